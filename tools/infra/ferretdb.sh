#!/usr/bin/env bash
# FerretDB 1.24 (MongoDB wire protocol, SQLite backend) for tests on machines without
# MongoDB or Docker; see shared/design/ci-infra.md.
#   install  build ferretdb from the Go module proxy into $INFRA_CACHE/bin (once)
#   start    install if needed, start on 127.0.0.1:${MONGODB_PORT:-27018} with a fresh
#            data dir under $INFRA_RUN/ferretdb, wait until it answers a ping
#   stop     stop it (pidfile)
#   status   exit 0 if it is running
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FERRETDB_VERSION=v1.24.0
MONGODB_PORT="${MONGODB_PORT:-27018}"
FERRETDB_BIN="$INFRA_CACHE/bin/ferretdb"
FERRETDB_STAMP="$INFRA_CACHE/bin/ferretdb.version"
RUN_DIR="$INFRA_RUN/ferretdb"
PIDFILE="$RUN_DIR/ferretdb.pid"
LOGFILE="$INFRA_RUN/ferretdb.log"
MARKER="file:$RUN_DIR/data/"  # in the server's command line
READY_TIMEOUT="${FERRETDB_READY_TIMEOUT:-60}"

install() {
  if [[ -x "$FERRETDB_BIN" && "$(cat "$FERRETDB_STAMP" 2>/dev/null)" == "$FERRETDB_VERSION" ]]; then
    return 0
  fi
  command -v go >/dev/null || infra_die "go is required to build FerretDB"
  mkdir -p "$INFRA_CACHE/bin"
  local log="$INFRA_CACHE/ferretdb-install.log" src="$INFRA_CACHE/src/ferretdb-$FERRETDB_VERSION"
  : >"$log"
  # A binary built by `go install .../cmd/ferretdb@v1.24.0` would also panic at start ("Invalid
  # build/version/version.txt"): FerretDB expects its release build to generate that file, which
  # is written here as its own `task gen-version` would.
  infra_go_module_source FerretDB "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" "$src" "$log"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  echo "contacts-platform-infra" >"$src/build/version/package.txt"
  if ! (cd "$src" && GOBIN="$INFRA_CACHE/bin" GOFLAGS="-mod=readonly -buildvcs=false" \
    GOTOOLCHAIN=local GOWORK=off go install ./cmd/ferretdb) >>"$log" 2>&1; then
    echo "infra: building FerretDB $FERRETDB_VERSION failed:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  "$FERRETDB_BIN" --version >>"$log" 2>&1 || infra_die "the built ferretdb does not run; see $log"
  rm -rf "$src"
  rmdir "$INFRA_CACHE/src" 2>/dev/null || true
  echo "$FERRETDB_VERSION" >"$FERRETDB_STAMP"
}

ready() { infra_mongodb_answers "$MONGODB_PORT"; }

start() {
  if infra_pid_alive "$PIDFILE" "$MARKER"; then
    ready || infra_fail_start ferretdb "$LOGFILE" "$PIDFILE" "$MARKER" "is running but does not answer a ping"
    return 0
  fi
  install
  if infra_port_open "$MONGODB_PORT"; then
    infra_die "port $MONGODB_PORT is already in use by another process (set MONGODB_PORT)"
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/data"
  # synchronous(off): a test server's data is thrown away at each start, so SQLite need not wait
  # for the disk at each commit; it halved the time of the read models' writes here.
  infra_spawn "$PIDFILE" "$LOGFILE" "$FERRETDB_BIN" \
    --handler=sqlite \
    --sqlite-url="file:$RUN_DIR/data/?_pragma=synchronous(off)" \
    --listen-addr="127.0.0.1:$MONGODB_PORT" \
    --state-dir=- \
    --debug-addr=- \
    --telemetry=disable
  infra_wait_ready ferretdb "$LOGFILE" "$PIDFILE" "$MARKER" "$READY_TIMEOUT" 0.5 listening_and_ready
}

listening_and_ready() { infra_port_open "$MONGODB_PORT" && ready; }

stop() { infra_stop ferretdb "$PIDFILE" "$MARKER" 30; }

status() { infra_pid_alive "$PIDFILE" "$MARKER"; }

case "${1:-}" in
  install | start | stop | status) "$1" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
