#!/usr/bin/env bash
# Installs what is missing, once: npm packages, the Temporal CLI (not with --npm-only) and, on request:
#   --minio            MinIO                                        (exports MINIO_BIN)
#   --temporal-server  the full Temporal server and its SQL tool    (exports TEMPORAL_SERVER_BIN,
#                      TEMPORAL_SQL_TOOL, TEMPORAL_SCHEMA_DIR: the server's PostgreSQL schema files)
#   --temporal-ui      the Temporal Web UI server                   (exports TEMPORAL_UI_SERVER_BIN)
#   --chromium         Debian's chromium, for the browser tests     (exports CHROMIUM_BIN)
#   --wrk              Debian's wrk, the bench's HTTP load generator (exports WRK_BIN)
#   --awscli           Debian's awscli, for the Step Functions API tests (exports AWS_CLI_BIN)
# Idempotent: later runs find everything in place and return at once. Sourced or run.
# Exports TEMPORAL_CLI (and the above) with the path of each binary to use.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
# The newest releases this machine's Go (1.26.8, GOTOOLCHAIN=local) can build.
TEMPORAL_SERVER_VERSION=v1.32.1
TEMPORAL_UI_SERVER_VERSION=v2.55.0

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools/bin"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

ensure_npm_packages() {
  local stamp="$root/node_modules/.installed-lock"
  if [[ -f "$stamp" ]] && cmp -s "$stamp" "$root/package-lock.json"; then return; fi
  say "installing npm packages…"
  # npm install, not npm ci: this npm writes lock files without platform-specific optional packages
  # (@swc/core-*), which npm ci then refuses as out of sync. install follows the lock all the same.
  (cd "$root" && npm install --no-audit --no-fund --loglevel=http 2>&1 | { grep -v '^npm http fetch' >&2 || true; })
  cp "$root/package-lock.json" "$stamp"
}

# go install a package at a pinned version into .tools/bin/NAME, unless that exact version is there already.
# (Built in a folder of its own, then renamed: several of these packages are all called `server`.)
ensure_go_binary() {
  local name=$1 module=$2 version=$3
  local stamp="$tools/.$name.version"
  if [[ -x "$tools/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then return; fi
  command -v go >/dev/null || { say "Go is needed to build $name: install it from https://go.dev/dl"; exit 1; }
  say "building $name $version from the Go module proxy (first run only; a few minutes)…"
  local build="$tools/.build-$name"
  mkdir -p "$build"
  local started=$SECONDS
  # -v lists each package as it compiles: the progress of a long first build.
  GOBIN="$build" go install -v "$module@$version" 2>&1 | awk '{ n++; if (n % 25 == 0) printf "[setup]   %d packages built…\n", n > "/dev/stderr"; else if (!/^[A-Za-z0-9._-]+(\/[^ ]+)?$/ && !/^go: downloading /) print > "/dev/stderr" }'
  [[ -x "$build/$(basename "$module")" ]] || { say "building $name failed"; exit 1; }
  mv -f "$build/$(basename "$module")" "$tools/$name"
  rmdir "$build"
  echo "$module@$version" >"$stamp"
  say "$name built in $((SECONDS - started))s"
}

ensure_npm_packages
# --npm-only: the packages and nothing else (the tests that need no server: `npm test -- test/unit`).
if [[ " $* " == *" --npm-only "* ]]; then return 0 2>/dev/null || exit 0; fi

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  :
elif command -v temporal >/dev/null; then
  TEMPORAL_CLI=$(command -v temporal)
else
  ensure_go_binary temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
  TEMPORAL_CLI="$tools/temporal"
fi
export TEMPORAL_CLI

if [[ " $* " == *" --minio "* ]]; then
  if [[ -z "${MINIO_BIN:-}" ]]; then
    ensure_go_binary minio github.com/minio/minio "$MINIO_VERSION"
    MINIO_BIN="$tools/minio"
  fi
  export MINIO_BIN
fi

if [[ " $* " == *" --temporal-server "* ]]; then
  ensure_go_binary temporal-server go.temporal.io/server/cmd/server "$TEMPORAL_SERVER_VERSION"
  ensure_go_binary temporal-sql-tool go.temporal.io/server/cmd/tools/sql "$TEMPORAL_SERVER_VERSION"
  TEMPORAL_SERVER_BIN="$tools/temporal-server"
  TEMPORAL_SQL_TOOL="$tools/temporal-sql-tool"
  # The schema files come with the module's source, which the build put in the module cache.
  TEMPORAL_SCHEMA_DIR="$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
  [[ -d "$TEMPORAL_SCHEMA_DIR" ]] || go mod download go.temporal.io/server@"$TEMPORAL_SERVER_VERSION"
  export TEMPORAL_SERVER_BIN TEMPORAL_SQL_TOOL TEMPORAL_SCHEMA_DIR
fi

if [[ " $* " == *" --temporal-ui "* ]]; then
  ensure_go_binary temporal-ui-server github.com/temporalio/ui-server/v2/cmd/server "$TEMPORAL_UI_SERVER_VERSION"
  TEMPORAL_UI_SERVER_BIN="$tools/temporal-ui-server"
  export TEMPORAL_UI_SERVER_BIN
fi

# A Debian package's command, installed once (apt-get, as root or through sudo) unless already on PATH.
ensure_debian_command() {
  local command=$1 package=$2 why=$3
  if command -v "$command" >/dev/null; then command -v "$command"; return; fi
  command -v apt-get >/dev/null || { say "$command is needed $why: install it"; exit 1; }
  say "installing Debian's $package (first run only)…"
  local sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  $sudo_ apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "$package" >&2
  command -v "$command"
}

if [[ " $* " == *" --chromium "* ]]; then
  [[ -n "${CHROMIUM_BIN:-}" ]] || CHROMIUM_BIN=$(ensure_debian_command chromium chromium "for the browser tests") || exit 1
  export CHROMIUM_BIN
fi

if [[ " $* " == *" --awscli "* ]]; then
  [[ -n "${AWS_CLI_BIN:-}" ]] || AWS_CLI_BIN=$(ensure_debian_command aws awscli "for the Step Functions API tests") || exit 1
  export AWS_CLI_BIN
fi

if [[ " $* " == *" --wrk "* ]]; then
  [[ -n "${WRK_BIN:-}" ]] || WRK_BIN=$(ensure_debian_command wrk wrk "for the bench's API figures") || exit 1
  export WRK_BIN
fi
