#!/usr/bin/env bash
# `npm start`: install what is missing, then run the whole stack in the foreground.
set -euo pipefail
source "$(dirname "$0")/ensure-installed.sh"
# node with tsx's loader, not the tsx command: that wrapper kills its child outright (exit 143) when the child is too
# busy to acknowledge a relayed SIGTERM within 30 ms, before start.ts has stopped what it started.
exec node --import tsx "$(dirname "$0")/start.ts"
