#!/usr/bin/env bash
# Builds everything (the command-line tool and the npm package's wasm) and walks through the
# example bundles: verify, inspect, predict. (The browser demo page is the next step.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup-rust.sh
echo "== building sealed-onnx (release)…"
cargo build --release --bin sealed-onnx
echo "== building the npm package (js/)…"
bash scripts/build-wasm.sh
bin="$root/target/release/sealed-onnx"
key=models/keys/demo-public-key.pem
for b in models/iris-1.0.0.sonnx models/diabetes-1.0.0.sonnx models/breast-cancer-1.0.0.sonnx; do
  echo; echo "== $bin verify $b --public-key $key"
  "$bin" verify "$b" --public-key "$key"
done
echo; echo "== $bin inspect models/iris-1.0.0.sonnx"
"$bin" inspect models/iris-1.0.0.sonnx
echo; echo "== predicting two flowers from CSV"
printf 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n' |
  "$bin" predict models/iris-1.0.0.sonnx --public-key "$key" --input - --input-format csv --format csv
echo; echo "== a bad row is refused with every problem listed"
echo '[{"sepal_length": "5.1", "sepal_width": null, "petal_length": 1.4, "petal_width": 99}]' |
  "$bin" predict models/iris-1.0.0.sonnx --public-key "$key" --input - || true
echo; echo "the CLI is at $bin — try \`$bin --help\`"
