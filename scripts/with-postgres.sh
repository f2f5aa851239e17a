#!/usr/bin/env bash
# Runs a command with COOPRESS_TEST_DATABASE_URL pointing at PostgreSQL.
# When the variable is already set it is used as it is; otherwise a throwaway
# PostgreSQL 15 server is started on a free loopback port (installed with
# apt-get when missing) and stopped when the command ends.
set -euo pipefail

if [ -n "${COOPRESS_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  echo "with-postgres: installing PostgreSQL (apt-get)" >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || true
  fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL is not installed; PostgreSQL tests will skip (or fail under CI=true)" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/coopress-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$bindir/initdb -D $dir/data -U postgres -A trust -E UTF8 --no-sync >/dev/null"
as_pg "$bindir/pg_ctl -D $dir/data -o '-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300' -l $dir/log -w start >/dev/null"
cleanup() { as_pg "$bindir/pg_ctl -D $dir/data -m fast stop >/dev/null" || true; rm -rf "$dir"; }
trap cleanup EXIT
export COOPRESS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$port" >&2
set +e
"$@"
rc=$?
exit $rc
