#!/usr/bin/env bash
# The benchmarks: trains and packs the forest, then measures sealed-onnx natively and in wasm
# against onnxruntime-web side by side; then the small-model, cold-start and five-kind
# (bench/kinds.mjs: Node and headless Chromium) comparisons. Pass --write-readme to record the
# tables. --smoke: only the five kinds with tiny counts, checking that the engines agree (CI).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
smoke=0
[[ " $* " == *" --smoke "* ]] && smoke=1
bash scripts/setup-python.sh
[ -f js/wasm/sealed_onnx_bg.wasm ] || bash scripts/build-wasm.sh
bash scripts/setup-browser.sh
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
if [ "$smoke" = 1 ]; then
  cargo build --quiet --bin sealed-onnx
  cli=target/debug/sealed-onnx
else
  cargo build --release --quiet --bin sealed-onnx
  cli=target/release/sealed-onnx
fi
# The five kinds: regenerated only when bench/make_kinds.py or the pinned versions change.
stamp="$(cat bench/make_kinds.py models/requirements.txt | sha256sum | cut -c1-16)"
if [ "$(cat bench/.data/kinds/.stamp 2>/dev/null)" != "$stamp" ]; then
  models/.venv/bin/python bench/make_kinds.py
  echo "$stamp" >bench/.data/kinds/.stamp
fi
for kind in iris forest mlp dense hgb; do
  d=bench/.data/kinds/$kind
  task=()
  [ "$kind" = dense ] && task=(--task transform)
  "$cli" pack --force --model "$d/model.onnx" --meta "$d/meta.json" --train "$d/train.csv" \
    --test-vectors "$d/tv.json" --out "$d/model.sonnx" --range-margin 1 --created 2026-01-01T00:00:00Z "${task[@]}" >/dev/null
  "$cli" sign --key models/keys/demo-private-key.DO-NOT-USE.pem "$d/model.sonnx" >/dev/null
done
if [ "$smoke" = 1 ]; then
  node bench/kinds.mjs --smoke
  exit 0
fi
models/.venv/bin/python bench/make_forest.py
target/release/sealed-onnx pack --force --model bench/.data/forest.onnx --meta bench/.data/meta.json \
  --train bench/.data/train.csv --test-vectors bench/.data/tv.json --out bench/.data/forest.sonnx --range-margin 1 >/dev/null
native="$(cargo bench --quiet --bench forest 2>/dev/null | tail -1)"
node bench/forest.mjs --native="$native" "$@"
node bench/iris.mjs "$@"
node bench/cold.mjs "$@"
node bench/kinds.mjs "$@"
