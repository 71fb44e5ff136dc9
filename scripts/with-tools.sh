#!/usr/bin/env bash
# Runs a command with the installed tools on hand: `scripts/with-tools.sh [--minio] -- CMD ARGS…`.
set -euo pipefail
flags=()
while [[ $# -gt 0 && "$1" != "--" ]]; do flags+=("$1"); shift; done
shift || true
source "$(dirname "$0")/ensure-installed.sh" "${flags[@]}"
exec "$@"
