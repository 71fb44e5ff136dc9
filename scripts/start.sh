#!/usr/bin/env bash
# `npm start`: install what is missing, then run the whole stack in the foreground.
set -euo pipefail
source "$(dirname "$0")/ensure-installed.sh"
exec "$(dirname "$0")/../node_modules/.bin/tsx" "$(dirname "$0")/start.ts"
