#!/usr/bin/env bash
# Start the web server of an installation, after two checks that stop a bad start early:
# the settings pass Django's deployment checks, and every migration of this release is
# applied (an upgrade runs `hersteld migrate` first: docs/deployment.md, "Upgrades").
# Used by hersteld-web.service; HERSTELD_BIN points at the virtualenv's bin directory.
set -euo pipefail
BIN="${HERSTELD_BIN:-/opt/hersteld/.venv/bin}"

"$BIN/hersteld" check --deploy --fail-level ERROR
if ! "$BIN/hersteld" migrate --check >/dev/null; then
  echo "hersteld: migrations of this release are not applied; run 'hersteld migrate' first" >&2
  exit 1
fi
exec "$BIN/hersteld" serve --production "$@"
