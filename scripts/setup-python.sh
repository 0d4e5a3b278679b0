#!/usr/bin/env bash
# Creates models/.venv with the pinned requirements (idempotent: skips when already in sync).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/models/.venv"
req="$root/models/requirements.txt"
stamp="$venv/.requirements.sha256"

# onnxruntime's text operators (StringNormalizer's default locale, as skl2onnx's text
# vectorizers use it) construct std::locale("en_US.UTF-8") and fail without it.
if ! locale -a 2>/dev/null | grep -qi '^en_US\.utf-\?8$'; then
  echo "installing the en_US.UTF-8 locale (apt), needed by onnxruntime's StringNormalizer…" >&2
  apt-get update -qq && apt-get install -y -qq locales >/dev/null
  sed -i 's/^# *en_US.UTF-8/en_US.UTF-8/' /etc/locale.gen
  grep -q '^en_US.UTF-8' /etc/locale.gen || echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
fi
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
