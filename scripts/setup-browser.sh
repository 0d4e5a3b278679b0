#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (idempotent). Playwright's own browser
# download does not work here; the tests drive /usr/bin/chromium with npm playwright-core.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "installing chromium (apt)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
