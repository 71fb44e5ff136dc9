#!/usr/bin/env bash
# Lines over 140 characters in the files Biome checks (its formatter wraps code, but not a long string or comment):
# the repository's .ts and .js files (tracked, or new and not ignored), less the paths biome.json's `files.includes`
# leaves out (`!…`). Prints each as `file:line: length` and exits 1 if there is any.
# Usage: scripts/line-length.sh [max] (default 140, Biome's lineWidth).
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-140}

# biome.json's exclusions as one extended regular expression: `!dist` is that folder (or file) at the root,
# `!**/node_modules` that name at any depth.
excluded=$(node -e '
  const includes = require("./biome.json").files.includes;
  const escape = (text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  const patterns = includes
    .filter((p) => p.startsWith("!"))
    .map((p) => p.slice(1))
    .map((p) => (p.startsWith("**/") ? `(^|/)${escape(p.slice(3))}` : `^${escape(p)}`) + "(/|$)");
  console.log(patterns.join("|") || "^$");
')

found=$(
  git ls-files --cached --others --exclude-standard -- '*.ts' '*.js' |
    grep -Ev "$excluded" |
    while IFS= read -r file; do [ -f "$file" ] && printf '%s\0' "$file"; done |
    xargs -0 -r awk -v max="$max" 'length > max { print FILENAME ":" FNR ": " length }'
)
if [ -n "$found" ]; then
  echo "$found"
  echo "line-length: $(wc -l <<<"$found") line(s) over $max characters" >&2
  exit 1
fi
