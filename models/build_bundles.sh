#!/usr/bin/env bash
# Packs and signs the example bundles from the exports in models/<name>/ (made by export.py).
# Deterministic: a fixed creation time and RFC 6979 signatures give the same bytes every run,
# which tests/examples.rs checks against the committed bundles. Ranges: the training data's,
# widened on purpose by 10 % of the span (held-out flowers, patients and students fall just
# outside; the manifest says so in each feature's range_source).
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
# The study data are generated within known bounds (export.py: hours 0–40, attendance 0–100 %):
# the author states them rather than letting the sample decide.
declare -A ranges=([study]="--range hours_studied=0:40 --range lab_attendance=0:100")
for name in iris diabetes breast-cancer study; do
  version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "models/$name/meta.json")"
  out="$out_dir/$name-$version.sonnx"
  "$bin" pack --force --model "models/$name/model.onnx" --meta "models/$name/meta.json" \
    --train "models/$name/train.csv" --test-vectors "models/$name/test_vectors.json" --out "$out" \
    --range-margin 0.1 ${ranges[$name]:-}
  "$bin" sign "$out" --key "$key"
done
