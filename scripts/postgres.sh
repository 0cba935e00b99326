#!/usr/bin/env bash
# Make a local PostgreSQL for the store tests and print its DSN on stdout.
# Installs Debian's postgresql package when no server is installed, starts a
# cluster, and creates the role and database once: safe to run again.
#
#   export MOCKAPI_TEST_POSTGRES=$(bash scripts/postgres.sh)
#   go test ./store/...
set -euo pipefail
log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  { timeout 600 apt-get install -y -q postgresql || { timeout 300 apt-get update -q && timeout 600 apt-get install -y -q postgresql; }; } >&2
fi
ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
  log "creating cluster $ver/main"
  pg_createcluster "$ver" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $ver/main"
  pg_ctlcluster "$ver" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
for _ in $(seq 30); do pg_isready -q -p "$port" && break; sleep 1; done
pg_isready -q -p "$port" || { log "server on port $port is not ready"; exit 1; }

psql_as_postgres() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt -c \"$1\""; }
if [ "$(psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname='mockapi'")" != 1 ]; then
  psql_as_postgres "CREATE ROLE mockapi LOGIN PASSWORD 'mockapi' CREATEDB" >&2
fi
if [ "$(psql_as_postgres "SELECT 1 FROM pg_database WHERE datname='mockapi_test'")" != 1 ]; then
  su postgres -c "createdb -p $port -O mockapi mockapi_test" >&2
fi
echo "postgres://mockapi:mockapi@127.0.0.1:$port/mockapi_test?sslmode=disable"
