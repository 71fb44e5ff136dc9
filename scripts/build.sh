#!/usr/bin/env bash
# `npm run build`: each workspace package (packages/*) to its own dist/, then the production code compiled to plain CommonJS JavaScript in dist/ (tsconfig.build.json:
# activities, api, cli, lib, storage, worker, workflows; with source maps), the files they read at run time beside it
# (api/public/), then dist/.build-stamp, which bin/santa.js compares with the sources' times.
# The production images and the `santa` command run dist/ with node; `npm start` and the tests run the sources.
# `npm install` runs it too (`prepare`); there a failed build only warns, as `santa` then runs the sources.
set -uo pipefail
cd "$(dirname "$0")/.."
out=dist
fail() {
  echo "[build] $*" >&2
  if [[ "${npm_lifecycle_event:-}" == prepare ]]; then exit 0; else exit 1; fi
}
# An install without dev dependencies (--omit=dev) has no compiler.
[[ -x node_modules/.bin/tsc ]] || fail "no TypeScript compiler in node_modules (installed without dev dependencies?): dist/ not built"
rm -rf "$out"
# The workspace packages first: the app's compiled code reaches them through node_modules, at their dist/.
for package in packages/*/; do
  rm -rf "$package/dist"
  node_modules/.bin/tsc -p "$package/tsconfig.json" || fail "tsc failed in $package: its dist/ is incomplete and \`santa\` runs the sources"
done
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out" || fail "tsc failed: dist/ is incomplete and \`santa\` runs the sources"
cp -R api/public "$out/api/public" || fail "copying api/public failed"
touch "$out/.build-stamp"
