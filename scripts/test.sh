#!/usr/bin/env bash
# `npm test`: install what is missing, type-check, run the suite's two jest projects (jest.config.js) in one jest,
# lint, and end with `N passed, N failed`. The `unit` project needs nothing more than the npm packages; when the tests
# selected (extra arguments go to jest: `npm test -- test/unit`) include any of the `integration` project, the
# Temporal CLI, MinIO, the Temporal server and UI, chromium and the AWS CLI are installed first, and jest's global setup for
# that project starts the Temporal dev server and MinIO.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
source "$here/ensure-installed.sh" --npm-only || exit 1
set +e # ensure-installed.sh sets -e: a failing step below must still reach the summary line

integration=$(node_modules/.bin/jest --listTests "$@" --ignoreProjects=unit 2>/dev/null)
if grep -q '\.test\.ts$' <<<"$integration"; then
  source "$here/ensure-installed.sh" --minio --temporal-server --temporal-ui --chromium --awscli || exit 1
  set +e
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT

typecheck=0
echo "[test] type-checking…" >&2
node_modules/.bin/tsc --noEmit -p . || typecheck=1
# Biome (biome.json): the walls between parts (lib/ imports nothing of workflows/, activities/, api/…; nothing
# outside test/ imports test/support/) and the formatting. A failure counts as one failed test.
echo "[test] linting…" >&2
node_modules/.bin/biome ci --reporter=summary . >&2 || typecheck=$((typecheck + 1))
# And the line length Biome's formatter keeps for code but not for long strings and comments (140).
bash "$here/line-length.sh" >&2 || typecheck=$((typecheck + 1))

node_modules/.bin/jest --runInBand --json --outputFile="$results" "$@"
jest_status=$?

# numPassedTests and numFailedTests are the sums over both projects; a file that failed to run counts once.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); passed = r.numPassedTests; failed = r.numFailedTests + r.numRuntimeErrorTestSuites; } catch { failed = 1; }
  failed += Number(process.argv[2]);
  console.log(`${passed} passed, ${failed} failed`);
' "$results" "$typecheck"
[[ $jest_status -eq 0 && $typecheck -eq 0 ]]
