#!/usr/bin/env bash
# Installs what is missing, once: npm packages, the Temporal CLI and (with --minio) MinIO.
# Idempotent: later runs find everything in place and return at once. Sourced or run.
# Exports TEMPORAL_CLI (and MINIO_BIN) with the path of each binary to use.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

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

# go install a module at a pinned version into .tools/bin, unless that exact version is there already.
ensure_go_binary() {
  local name=$1 module=$2 version=$3
  local stamp="$tools/.$name.version"
  if [[ -x "$tools/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then return; fi
  command -v go >/dev/null || { say "Go is needed to build $name: install it from https://go.dev/dl"; exit 1; }
  say "building $name $version from the Go module proxy (first run only; a few minutes)…"
  mkdir -p "$tools"
  local started=$SECONDS
  # -v lists each package as it compiles: the progress of a long first build.
  GOBIN="$tools" go install -v "$module@$version" 2>&1 | awk '{ n++; if (n % 25 == 0) printf "[setup]   %d packages built…\n", n > "/dev/stderr" }'
  [[ -x "$tools/$name" ]] || { say "building $name failed"; exit 1; }
  echo "$module@$version" >"$stamp"
  say "$name built in $((SECONDS - started))s"
}

ensure_npm_packages

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
