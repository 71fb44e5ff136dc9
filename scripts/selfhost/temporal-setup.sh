#!/bin/sh
# Prepares Temporal on PostgreSQL; safe to run on every start.
#   temporal-setup.sh schema     creates the two databases and brings both schemas to this server's version
#   temporal-setup.sh namespace  waits for the server to be healthy, then registers the namespace
# Run by docker-compose.yml (in temporalio/admin-tools, whose tools and schema paths are the defaults)
# and by `npm run selfhost` (with the tools built into .tools/bin and the schema from the Go module).
set -eu

: "${POSTGRES_SEEDS:=127.0.0.1}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=postgres}"
: "${TEMPORAL_DB:=temporal}"
: "${TEMPORAL_VISIBILITY_DB:=temporal_visibility}"
: "${TEMPORAL_SQL_TOOL:=temporal-sql-tool}"
: "${TEMPORAL_SCHEMA_DIR:=/etc/temporal/schema/postgresql/v12}"
: "${TEMPORAL_CLI:=temporal}"
: "${TEMPORAL_ADDRESS:=127.0.0.1:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
# temporal-sql-tool reads the password from SQL_PASSWORD; trust authentication needs none.


sql_tool() {
  db=$1
  shift
  "$TEMPORAL_SQL_TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$db" "$@"
}

need() { command -v "$1" >/dev/null 2>&1 || { echo "temporal-setup: $1 not found" >&2; exit 1; }; }

schema() {
  need "$TEMPORAL_SQL_TOOL"
  for db in "$TEMPORAL_DB:temporal" "$TEMPORAL_VISIBILITY_DB:visibility"; do
    name=${db%%:*}
    dir="$TEMPORAL_SCHEMA_DIR/${db#*:}/versioned"
    echo "temporal-setup: database $name, schema from $dir"
    # `create` and `setup-schema -v 0.0` leave what exists alone; update-schema applies only newer versions.
    sql_tool "$name" create
    sql_tool "$name" setup-schema -v 0.0
    sql_tool "$name" update-schema -d "$dir"
  done
}

namespace() {
  need "$TEMPORAL_CLI"
  attempts=0
  until "$TEMPORAL_CLI" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
    attempts=$((attempts + 1))
    if [ "$attempts" -ge 90 ]; then
      echo "temporal-setup: the server at $TEMPORAL_ADDRESS did not become healthy" >&2
      exit 1
    fi
    sleep 1
  done
  if "$TEMPORAL_CLI" operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
    echo "temporal-setup: namespace $TEMPORAL_NAMESPACE exists"
  else
    "$TEMPORAL_CLI" operator namespace create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" --retention 72h
    echo "temporal-setup: namespace $TEMPORAL_NAMESPACE registered"
  fi
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *) echo "usage: temporal-setup.sh schema|namespace" >&2; exit 2 ;;
esac
