#!/usr/bin/env bash
# Checks for Node.js 20+ with npm, which the npm package build and its tests need. Node is not
# installed here: Debian's own package is too old, and nothing but the package registries is
# reachable, so a missing or old Node is a clear error instead.
set -euo pipefail
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js 20 or later with npm is needed (https://nodejs.org); install it, then re-run" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old: 20 or later is needed (the Vite test requires it)" >&2
  exit 1
fi
