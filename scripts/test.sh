#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust unit and end-to-end tests (with the model_signing
# interop tests against the pinned Python tool), and the manifest JSON Schema check.
# Installs what it needs first (idempotent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup-rust.sh
bash scripts/setup-python.sh
export SEALED_ONNX_REQUIRE_PYTHON=1

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test --all-targets
cargo test --doc
echo "== manifest JSON Schema"
models/.venv/bin/python spec/check_manifests.py
echo "all tests passed"
