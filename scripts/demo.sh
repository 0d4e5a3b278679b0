#!/usr/bin/env bash
# Builds everything — the command-line tool, the npm package's wasm, the demo page (www/) —
# checks the example bundles with the CLI, then serves the demo page on a local URL
# (http://127.0.0.1:8080/ unless PORT is set) until Ctrl+C. Installs what it needs first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"
source scripts/setup-rust.sh
bash scripts/setup-node.sh
echo "== building sealed-onnx (release)…"
cargo build --release --bin sealed-onnx
echo "== building the npm package (js/)…"
bash scripts/build-wasm.sh
echo "== building the demo page (www/)…"
node www/build.mjs
bin="$root/target/release/sealed-onnx"
key=models/keys/demo-public-key.pem
for b in models/*.sonnx; do
  echo "== $bin verify $b --public-key $key"
  "$bin" verify "$b" --public-key "$key"
done
echo
echo "the CLI is at $bin — try \`$bin --help\`"
echo "== serving the demo page (open the URL below; Ctrl+C stops it)"
exec node www/serve.mjs --port "$port"
