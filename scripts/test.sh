#!/usr/bin/env bash
# `npm test`: install what is missing (npm packages, Temporal CLI, MinIO), type-check, run the whole suite
# (jest's global setup starts the Temporal dev server and MinIO), and end with `N passed, N failed`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/ensure-installed.sh" --minio --temporal-server --temporal-ui --chromium || exit 1
cd "$here/.."

results=$(mktemp)
trap 'rm -f "$results"' EXIT

typecheck=0
echo "[test] type-checking…" >&2
node_modules/.bin/tsc --noEmit -p . || typecheck=1

node_modules/.bin/jest --runInBand --json --outputFile="$results" "$@"
jest_status=$?

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); passed = r.numPassedTests; failed = r.numFailedTests + r.numRuntimeErrorTestSuites; } catch { failed = 1; }
  failed += Number(process.argv[2]);
  console.log(`${passed} passed, ${failed} failed`);
' "$results" "$typecheck"
[[ $jest_status -eq 0 && $typecheck -eq 0 ]]
