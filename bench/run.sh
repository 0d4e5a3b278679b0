#!/usr/bin/env bash
# The forest benchmark: trains and packs the forest, then measures sealed-onnx natively and
# in wasm against onnxruntime-web side by side. Pass --write-readme to record the table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup-python.sh
[ -f js/wasm/sealed_onnx_bg.wasm ] || bash scripts/build-wasm.sh
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
models/.venv/bin/python bench/make_forest.py
cargo build --release --quiet --bin sealed-onnx
target/release/sealed-onnx pack --force --model bench/.data/forest.onnx --meta bench/.data/meta.json \
  --train bench/.data/train.csv --test-vectors bench/.data/tv.json --out bench/.data/forest.sonnx --range-margin 1 >/dev/null
native="$(cargo bench --quiet --bench forest 2>/dev/null | tail -1)"
node bench/forest.mjs --native="$native" "$@"
node bench/iris.mjs "$@"
node bench/cold.mjs "$@"
