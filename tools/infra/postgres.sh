#!/usr/bin/env bash
# PostgreSQL 15 (Debian's postgresql-15 package) for tests on machines without Docker: the server
# the PostgreSQL event store's suites run against (POSTGRES_URL); see docs/architecture.md,
# "The PostgreSQL event store".
#   install  apt-get install postgresql-15 if it is missing (once; needs root)
#   start    install if needed, initdb a fresh cluster under $INFRA_RUN/postgres and start it on
#            127.0.0.1:${POSTGRES_PORT:-15432} (TCP only, trust auth, fsync off: a throwaway test
#            server), wait until it accepts connections, print POSTGRES_URL=...
#   url      print POSTGRES_URL=... (the server need not be running)
#   stop     stop it (a fast shutdown: open sessions are ended); a data dir under /tmp is removed
#   status   exit 0 if it is running
# initdb and postgres refuse to run as root: as root, the cluster belongs to the package's
# `postgres` system user.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
POSTGRES_PORT="${POSTGRES_PORT:-15432}"
RUN_DIR="$INFRA_RUN/postgres"
PIDFILE="$RUN_DIR/postgres.pid"
LOGFILE="$INFRA_RUN/postgres.log"
# Where the cluster is: $RUN_DIR/data, or a directory under /tmp when the postgres user cannot
# reach $RUN_DIR (a checkout under root's 0700 home); recorded here so stop finds it.
DATA_DIR_FILE="$RUN_DIR/data-dir"
READY_TIMEOUT="${POSTGRES_READY_TIMEOUT:-60}"
URL="postgres://postgres@127.0.0.1:$POSTGRES_PORT/postgres"

install() {
  [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_isready" ]] && return 0
  [[ "$(id -u)" == 0 ]] || infra_die "postgresql-$PG_MAJOR is missing; install it with: apt-get install -y postgresql-$PG_MAJOR"
  local log="$INFRA_CACHE/postgres-install.log"
  mkdir -p "$INFRA_CACHE"
  # apt-get update only when the package is unknown (a fresh machine has no package lists).
  if ! apt-cache show "postgresql-$PG_MAJOR" >/dev/null 2>&1; then
    apt-get update >"$log" 2>&1 || { tail -n 20 "$log" >&2; infra_die "apt-get update failed"; }
  fi
  # The package also creates Debian's own cluster (15/main, port 5432); this script never uses it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR" >>"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; infra_die "apt-get install postgresql-$PG_MAJOR failed"; }
  [[ -x "$PG_BIN/postgres" ]] || infra_die "$PG_BIN/postgres is still missing after apt-get install; see $log"
}

# The prefix that runs a command as the cluster's owner: the postgres user when we are root, else
# nothing. setpriv execs (no child process), so the pidfile infra_spawn writes names the server.
if [[ "$(id -u)" == 0 ]]; then
  AS_OWNER=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env --)
else
  AS_OWNER=()
fi
as_owner() { "${AS_OWNER[@]}" "$@"; }

data_dir() { cat "$DATA_DIR_FILE" 2>/dev/null || echo "$RUN_DIR/data"; }

# A fresh, empty data directory the owner can write, recorded in $DATA_DIR_FILE.
make_data_dir() {
  local dir="$RUN_DIR/data"
  mkdir -p "$dir"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres:postgres "$dir"
    if ! as_owner test -w "$dir"; then
      rm -rf "$dir"
      dir="$(mktemp -d /tmp/contacts-platform-postgres.XXXXXX)"
      chown postgres:postgres "$dir"
    fi
  fi
  chmod 0700 "$dir"
  echo "$dir" >"$DATA_DIR_FILE"
}

write_config() {
  cat >>"$1/postgresql.conf" <<CONF

# tools/infra/postgres.sh: a throwaway test server on loopback TCP only.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = ''
max_connections = 200
# Nothing here outlives the run: no fsync, no full-page images, commits return before the WAL
# is flushed. Visibility and locking, what the event store's ordering rests on, are unchanged.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
}

ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -d postgres -U postgres; }

start() {
  local data
  if infra_pid_alive "$PIDFILE" "$(data_dir)"; then
    ready || infra_fail_start postgres "$LOGFILE" "$PIDFILE" "$(data_dir)" "is running but does not accept connections"
    echo "POSTGRES_URL=$URL"
    return 0
  fi
  install
  if infra_port_open "$POSTGRES_PORT"; then
    infra_die "port $POSTGRES_PORT is already in use by another process (set POSTGRES_PORT)"
  fi
  remove_data
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  make_data_dir
  data="$(data_dir)"
  if ! as_owner "$PG_BIN/initdb" --pgdata="$data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$RUN_DIR/initdb.log" 2>&1; then
    echo "infra: initdb failed:" >&2
    tail -n 20 "$RUN_DIR/initdb.log" >&2
    exit 1
  fi
  write_config "$data"
  infra_spawn "$PIDFILE" "$LOGFILE" "${AS_OWNER[@]}" "$PG_BIN/postgres" -D "$data"
  infra_wait_ready postgres "$LOGFILE" "$PIDFILE" "$data" "$READY_TIMEOUT" 0.2 ready
  echo "POSTGRES_URL=$URL"
}

url() { echo "POSTGRES_URL=$URL"; }

# A fast shutdown (SIGINT): a smart one (SIGTERM) would wait for every client to disconnect.
stop() {
  local data pid i
  data="$(data_dir)"
  if infra_pid_alive "$PIDFILE" "$data"; then
    pid="$(cat "$PIDFILE")"
    kill -INT "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  infra_stop postgres "$PIDFILE" "$data" 10
  remove_data
}

remove_data() {
  local data
  data="$(data_dir)"
  [[ "$data" == /tmp/contacts-platform-postgres.* ]] && rm -rf "$data"
  rm -f "$DATA_DIR_FILE"
}

status() { infra_pid_alive "$PIDFILE" "$(data_dir)"; }

case "${1:-}" in
  install | start | url | stop | status) "$1" ;;
  *) echo "usage: $0 install|start|url|stop|status" >&2; exit 2 ;;
esac
