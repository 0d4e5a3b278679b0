#!/usr/bin/env bash
# Packs and signs the example bundles with the CLI from what models/export.py's seal() saved in
# models/<name>/. Deterministic: a fixed creation time and RFC 6979 signatures give the same
# bytes every run, which tests/e2e/examples.rs checks against the committed bundles (made by
# seal() itself: the CLI and the Python package must agree to the byte). Ranges: the training
# data's, widened on purpose by 10 % of the span as export.py's RANGE_MARGIN (held-out flowers,
# patients and students fall just outside; the manifest says so in each feature's
# range_source); ranges set by the author are in meta.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${SEALED_ONNX_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet --release --bin sealed-onnx
  bin="$root/target/release/sealed-onnx"
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1795392000}" # 2026-11-23T00:00:00Z
key="models/keys/demo-private-key.DO-NOT-USE.pem"
out_dir="${SEALED_ONNX_OUT:-models}"
for name in iris diabetes breast-cancer study; do
  version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "models/$name/meta.json")"
  out="$out_dir/$name-$version.sonnx"
  "$bin" pack --force --model "models/$name/model.onnx" --meta "models/$name/meta.json" \
    --train "models/$name/train.csv" --test-vectors "models/$name/test_vectors.json" --out "$out" \
    --range-margin 0.1
  "$bin" sign "$out" --key "$key"
done
