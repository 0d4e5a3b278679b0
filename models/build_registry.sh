#!/usr/bin/env bash
# Builds models/registry/, the demo registry the page serves (www/build.mjs copies it): iris
# 1.0.0 (the committed example) and iris 1.1.0 (the same pipeline packed as 1.1.0), published
# and promoted with the demo key so that the history shows every kind of entry:
#   publish 1.0.0 → staging → prod; publish 1.1.0 → staging → prod; rollback of prod.
# End state: dev = staging = 1.1.0, prod = 1.0.0. The bundles are deterministic; the history's
# times are when this script ran.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${SEALED_ONNX_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet --release --bin sealed-onnx
  bin="$root/target/release/sealed-onnx"
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1795392000}" # 2026-11-23T00:00:00Z, as build_bundles.sh
key="models/keys/demo-private-key.DO-NOT-USE.pem"
out="models/registry"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m["version"]="1.1.0"; json.dump(m, open(sys.argv[2], "w"), indent=2)' \
  models/iris/meta.json "$work/meta.json"
"$bin" pack --model models/iris/model.onnx --meta "$work/meta.json" --train models/iris/train.csv \
  --test-vectors models/iris/test_vectors.json --range-margin 0.1 --out "$work/iris-1.1.0.sonnx" >/dev/null
"$bin" sign "$work/iris-1.1.0.sonnx" --key "$key" >/dev/null

rm -rf "$out"
r=(--registry "$out" --key "$key")
"$bin" publish models/iris-1.0.0.sonnx "${r[@]}" --reason "first version from the course notebook"
"$bin" promote iris 1.0.0 --to staging "${r[@]}"
"$bin" promote iris 1.0.0 --to prod "${r[@]}" --reason "accuracy 0.958 in cross-validation"
"$bin" publish "$work/iris-1.1.0.sonnx" "${r[@]}" --reason "same pipeline, new model card"
"$bin" promote iris 1.1.0 --to staging "${r[@]}"
"$bin" promote iris 1.1.0 --to prod "${r[@]}" --min-metric current --reason "no interface changes"
"$bin" rollback iris --channel prod "${r[@]}" --reason "students reported a wrong label; back to 1.0.0 while we look"
"$bin" verify-registry "$out" --public-key models/keys/demo-public-key.pem
