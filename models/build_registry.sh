#!/usr/bin/env bash
# Builds models/registry/, the demo registry the page serves (www/build.mjs copies it): iris
# 1.0.0 (the committed example), iris 1.1.0 (the same pipeline packed as 1.1.0) and iris 2.0.0
# (the same model taking the petal measurements in millimetres — petal_length_mm and
# petal_width_mm, its Scaler's offsets ×10 and scales ÷10 — with a migration that accepts 1.x
# inputs in centimetres: petal_length → petal_length_mm × 10), published and promoted with the
# demo key so that the history shows every kind of entry:
#   publish 1.0.0 → staging → prod; publish 1.1.0 → staging → prod; rollback of prod;
#   publish 2.0.0 (dev).
# End state: dev = 2.0.0, staging = 1.1.0, prod = 1.0.0. The bundles are deterministic; the
# history's times are when this script ran. Needs models/.venv (scripts/setup-python.sh) for
# the ONNX edit.
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

# iris 2.0.0: millimetres for the petals. The graph's first node is the Scaler
# (x - offset) × scale; offsets ×10 and scales ÷10 give the same standardised values for
# inputs ×10, so the 1.0.0 test vectors (inputs ×10) still hold.
models/.venv/bin/python - "$work" <<'PY'
import json, sys
import onnx

work = sys.argv[1]
mm = {"petal_length": "petal_length_mm", "petal_width": "petal_width_mm"}
model = onnx.load("models/iris/model.onnx")
scaler = model.graph.node[0]
assert scaler.op_type == "Scaler", scaler.op_type
cols = [2, 3]  # petal_length, petal_width in the [N, 4] input
for a in scaler.attribute:
    for j in cols:
        a.floats[j] = a.floats[j] * 10 if a.name == "offset" else a.floats[j] / 10
onnx.save(model, f"{work}/model-2.0.0.onnx")

meta = json.load(open("models/iris/meta.json"))
meta["version"] = "2.0.0"
meta["features"] = {
    mm.get(k, k): ({**f, "unit": "mm"} if k in mm else f) for k, f in meta["features"].items()
}
card = meta["card"]
card["description"] += (
    " Version 2.0.0 takes the petal measurements in millimetres (petal_length_mm, petal_width_mm);"
    " callers still sending 1.x inputs in centimetres are migrated (× 10)."
)
card["operating_ranges"] = {
    "sepal_length": card["operating_ranges"]["sepal_length"],
    "sepal_width": card["operating_ranges"]["sepal_width"],
    "petal_length_mm": "11–69 mm (training range)",
    "petal_width_mm": "1–25 mm (training range)",
}
meta["migration"] = {
    "from_major": 1,
    "features": {new: {"from": old, "scale": 10} for old, new in mm.items()},
}
json.dump(meta, open(f"{work}/meta-2.0.0.json", "w"), indent=2)

def to_mm(record):
    return {mm.get(k, k): (round(v * 10, 6) if k in mm else v) for k, v in record.items()}

vectors = json.load(open("models/iris/test_vectors.json"))
for case in vectors["cases"]:
    case["input"] = to_mm(case["input"])
json.dump(vectors, open(f"{work}/test_vectors-2.0.0.json", "w"), indent=2)

lines = open("models/iris/train.csv").read().splitlines()
header = lines[0].split(",")
out = [",".join(mm.get(h, h) for h in header)]
for line in lines[1:]:
    cells = line.split(",")
    out.append(",".join(repr(round(float(c) * 10, 6)) if header[i] in mm else c for i, c in enumerate(cells)))
open(f"{work}/train-2.0.0.csv", "w").write("\n".join(out) + "\n")
PY
"$bin" pack --model "$work/model-2.0.0.onnx" --meta "$work/meta-2.0.0.json" --train "$work/train-2.0.0.csv" \
  --test-vectors "$work/test_vectors-2.0.0.json" --range-margin 0.1 --out "$work/iris-2.0.0.sonnx" >/dev/null
"$bin" sign "$work/iris-2.0.0.sonnx" --key "$key" >/dev/null

rm -rf "$out"
r=(--registry "$out" --key "$key")
"$bin" publish models/iris-1.0.0.sonnx "${r[@]}" --reason "first version from the course notebook"
"$bin" promote iris 1.0.0 --to staging "${r[@]}"
"$bin" promote iris 1.0.0 --to prod "${r[@]}" --reason "accuracy 0.958 in cross-validation"
"$bin" publish "$work/iris-1.1.0.sonnx" "${r[@]}" --reason "same pipeline, new model card"
"$bin" promote iris 1.1.0 --to staging "${r[@]}"
"$bin" promote iris 1.1.0 --to prod "${r[@]}" --min-metric current --reason "no interface changes"
"$bin" rollback iris --channel prod "${r[@]}" --reason "students reported a wrong label; back to 1.0.0 while we look"
"$bin" publish "$work/iris-2.0.0.sonnx" "${r[@]}" --reason "petal measurements in millimetres; 1.x inputs in centimetres are migrated"
"$bin" verify-registry "$out" --public-key models/keys/demo-public-key.pem
