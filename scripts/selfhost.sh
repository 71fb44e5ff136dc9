#!/usr/bin/env bash
# `npm run selfhost`: install what is missing (the Temporal server and its UI are built once, which takes a
# while), then run the self-hosted topology in the foreground (scripts/selfhost.ts).
set -euo pipefail
source "$(dirname "$0")/ensure-installed.sh" --minio --temporal-server --temporal-ui
exec "$(dirname "$0")/../node_modules/.bin/tsx" "$(dirname "$0")/selfhost.ts"
