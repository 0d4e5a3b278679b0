#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust unit and end-to-end tests (with the model_signing
# interop tests against the pinned Python tool), the manifest JSON Schema check, and the npm
# package's consumer tests (packed tarball in Node, headless Chromium, a Vite build, tsc), and
# the demo page (www/) in headless Chromium, and the benchmark's smoke check (bench/run.sh --smoke:
# both engines agree on five model kinds; no timings asserted).
# Installs what it needs first (idempotent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup-rust.sh
bash scripts/setup-python.sh
# unzip: the parser-agreement test reads every accepted bundle with it too; GNU time: the
# memory/time bounds of refusing hostile bundles (tests/e2e/limits.rs).
command -v unzip >/dev/null || { apt-get update -qq && apt-get install -y -qq unzip >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
export SEALED_ONNX_REQUIRE_PYTHON=1

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
# Unit, integration (tests/e2e: CLI, bad bundles, examples, corpus, model_signing) and doc
# tests; the benchmark in bench/ is not a test (bench/run.sh).
cargo test
echo "== manifest JSON Schema"
models/.venv/bin/python spec/check_manifests.py
echo "== Python package: wheel in a fresh venv, its tests, the quick-start notebook, the CLI from the wheel"
bash scripts/test-python.sh
echo "== npm package: build, then consumer tests of the packed tarball"
bash scripts/build-wasm.sh
# The JS boundary (src/api) and the SIMD128 kernels exist only in the wasm build: lint it too.
echo "== cargo clippy (wasm32, simd128, the npm package's features)"
RUSTFLAGS="-C target-feature=+simd128" cargo clippy --lib --target wasm32-unknown-unknown \
  --no-default-features --features wasm -- -D warnings
bash scripts/setup-browser.sh
node --test pkg-tests/
echo "== benchmark smoke: five model kinds, our engine and onnxruntime-web agree (Node, Chromium)"
bash bench/run.sh --smoke
echo "== demo page: build www/, then Chromium against the served page"
node www/build.mjs
[ -d www/tests/node_modules/playwright-core ] || (cd www/tests && npm ci --no-audit --no-fund --loglevel=error)
node --test www/tests/
echo "all tests passed (demo page screenshots: www/tests/artifacts/)"
