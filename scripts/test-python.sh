#!/usr/bin/env bash
# The Python package as a student installs it: builds the abi3 wheel (maturin, release),
# installs it into a FRESH venv with only the pinned scikit-learn stack
# (python/requirements-test.txt), then runs there: the package's tests (python/tests), the
# quick-start notebook (models/quickstart.py, whose bundle the npm and demo-page tests load
# afterwards from target/quickstart/), models/export.py (which must rebuild the committed
# examples byte for byte), and the CLI end-to-end tests against the wheel's own
# `sealed-onnx` command. Installs what it needs first (idempotent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup-rust.sh
bash scripts/setup-python.sh

echo "== the Python extension crate: cargo fmt --check, cargo clippy"
(cd python && cargo fmt -- --check && cargo clippy --quiet --all-targets -- -D warnings)

echo "== Python wheel: maturin build --release"
rm -f target/wheels/sealed_onnx-*.whl
models/.venv/bin/maturin build --release --quiet -m python/Cargo.toml --out target/wheels
wheel="$(ls target/wheels/sealed_onnx-*.whl)"
echo "built $wheel ($(du -h "$wheel" | cut -f1))"

echo "== fresh venv: the pinned scikit-learn stack + the wheel"
venv="$root/target/python-test-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -c models/requirements.txt -r python/requirements-test.txt "$wheel"

echo "== Python tests"
# From outside python/, so that `import sealed_onnx` is the installed wheel, not the sources.
(cd "$root/target" && "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests")

echo "== quick-start notebook (models/quickstart.py)"
rm -rf target/quickstart
(cd "$root/target" && "$venv/bin/python" "$root/models/quickstart.py" "$root/target/quickstart")

echo "== the examples: models/export.py (seal()) rebuilds the committed files byte for byte"
rm -rf target/examples-check
(cd "$root/target" && "$venv/bin/python" "$root/models/export.py" --out "$root/target/examples-check" >/dev/null)
for f in $(cd target/examples-check && find . -type f ! -name 'model.pkl' ! -name 'model.joblib' | sort); do
  if ! cmp -s "target/examples-check/$f" "models/$f"; then
    echo "models/${f#./} differs from what models/export.py makes now: re-run it (models/README.md)" >&2
    exit 1
  fi
done
echo "$(cd target/examples-check && find . -type f ! -name 'model.pkl' ! -name 'model.joblib' | wc -l) files identical"

echo "== CLI end-to-end tests against the wheel's sealed-onnx command"
"$venv/bin/sealed-onnx" --version
# Every e2e test that runs the command (support::cli) runs the wheel's instead of the debug build.
SEALED_ONNX_CLI="$venv/bin/sealed-onnx" cargo test --quiet --test e2e
