#!/usr/bin/env bash
# Builds the npm package's WebAssembly: the crate with LTO, opt-level z and SIMD128, its
# wasm-bindgen glue, then npm binaryen's wasm-opt. Output: js/wasm/. Installs what it needs
# (idempotent). Prints the shipped sizes; --write-readme also records them in README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup-rust.sh
bash scripts/setup-node.sh
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown

# wasm-bindgen-cli must match the crate's wasm-bindgen exactly (pinned with = in Cargo.toml).
want="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
  echo "installing wasm-bindgen-cli $want…" >&2
  cargo install wasm-bindgen-cli --version "$want"
fi
if [ ! -x js/node_modules/.bin/wasm-opt ]; then
  (cd js && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== cargo (wasm32, profile wasm: LTO, opt-level z, +simd128)" >&2
# --export=__wasm_call_ctors: without it the linker wraps every export (malloc and free
# included) in a call to the static constructors (a one-row prediction in Node: 9.0 µs
# with the wrappers, 7.8 without); the npm wrapper (js/core.js) calls them once after
# instantiating.
RUSTFLAGS="-C target-feature=+simd128" cargo rustc --lib --profile wasm \
  --target wasm32-unknown-unknown --no-default-features --features wasm --crate-type cdylib \
  -- -C link-arg=--export=__wasm_call_ctors
raw=target/wasm32-unknown-unknown/wasm/sealed_onnx.wasm

# wasm-bindgen and wasm-opt (~3 minutes) only when their input or the tools changed: the
# stamp names the raw wasm's digest, both tools' versions and this script's.
stamp="$(sha256sum "$raw" scripts/build-wasm.sh | cut -c1-64 | tr '\n' ' ')$(wasm-bindgen --version) $(js/node_modules/.bin/wasm-opt --version)"
if [ -f js/wasm/sealed_onnx_bg.wasm ] && [ -f js/wasm/sealed_onnx.js ] && [ "$(cat js/wasm/.build-stamp 2>/dev/null)" = "$stamp" ]; then
  echo "== js/wasm/ is already built from this wasm (skipping wasm-bindgen and wasm-opt)" >&2
else
  echo "== wasm-bindgen" >&2
  rm -rf js/wasm
  wasm-bindgen "$raw" --out-dir js/wasm --out-name sealed_onnx --target web --omit-default-module-path
  rm -f js/wasm/.gitignore js/wasm/package.json

  echo "== wasm-opt -Oz --enable-simd (npm binaryen)" >&2
  js/node_modules/.bin/wasm-opt -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals js/wasm/sealed_onnx_bg.wasm -o js/wasm/sealed_onnx_bg.wasm

  echo "$stamp" >js/wasm/.build-stamp
fi

node scripts/sizes.mjs "$@"
