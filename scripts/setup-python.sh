#!/usr/bin/env bash
# Creates models/.venv with the pinned requirements (idempotent: skips when already in sync).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/models/.venv"
req="$root/models/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setting up Python environment in models/.venv (pinned: models/requirements.txt)…" >&2
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "installing python3-venv (apt)…" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
