#!/usr/bin/env bash
# Run a hersteld command (migrate, backup, createsuperuser, ...) as the service user with
# the installation's environment, e.g. `deploy/hersteld-admin.sh migrate`.
set -euo pipefail
ENV_FILE="${HERSTELD_ENV_FILE:-/etc/hersteld/hersteld.env}"
BIN="${HERSTELD_BIN:-/opt/hersteld/.venv/bin}"
exec sudo -u hersteld bash -c 'set -a; . "$0"; set +a; exec "$1/hersteld" "${@:2}"' \
  "$ENV_FILE" "$BIN" "$@"
