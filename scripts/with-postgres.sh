#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: started in a temp dir on a free port,
# with unaccent and pg_trgm available, stopped and removed at the end (also on failure).
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (EGOV_DATABASE_URL is set for COMMAND)
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (install postgresql-15 and postgresql-contrib)" >&2
  exit 1
fi
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PGDATA=$(mktemp -d /tmp/egov-pg.XXXXXX)

if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGDATA"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT INT TERM

(cd /tmp && as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null)
(cd /tmp && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null)
for _ in $(seq 30); do "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q && break; sleep 1; done
# Extensions in template1 so every database made later (the test databases too) has them.
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d template1 -q -v ON_ERROR_STOP=1 \
  -c "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres egov
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT ($PGDATA)" >&2

export EGOV_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/egov"
set +e
"$@"
status=$?
set -e
exit $status
