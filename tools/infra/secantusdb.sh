#!/usr/bin/env bash
# SecantusDB (MongoDB wire protocol over WiredTiger, with real indexes; GPL-2.0, beta; a test-only
# tool, never shipped) for tests on machines without MongoDB or Docker: the MongoDB-wire server
# tools/infra/up.sh starts unless MONGODB_SERVER=ferretdb; see docs/architecture.md.
#   install  pip install the pinned SecantusDB into a virtualenv under $INFRA_CACHE (once)
#   start    install if needed, start on 127.0.0.1:${MONGODB_PORT:-27018} with a fresh
#            data dir under $INFRA_RUN/secantusdb, wait until it answers a ping
#   stop     stop it (pidfile)
#   status   exit 0 if it is running
# It is the Python server of the PyPI wheel (secantusd-py); its wheels are built for CPython
# 3.10-3.13, so PYTHON (default python3.11, else python3) must be one of those.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SECANTUSDB_VERSION=0.7.0b3
MONGODB_PORT="${MONGODB_PORT:-27018}"
VENV="$INFRA_CACHE/secantusdb-$SECANTUSDB_VERSION"
SECANTUSDB_BIN="$VENV/bin/secantusd-py"
SECANTUSDB_STAMP="$VENV/installed.version"
RUN_DIR="$INFRA_RUN/secantusdb"
PIDFILE="$RUN_DIR/secantusdb.pid"
LOGFILE="$INFRA_RUN/secantusdb.log"
MARKER="--storage-path=$RUN_DIR/data"  # in the server's command line
READY_TIMEOUT="${SECANTUSDB_READY_TIMEOUT:-60}"

install() {
  if [[ -x "$SECANTUSDB_BIN" && "$(cat "$SECANTUSDB_STAMP" 2>/dev/null)" == "$SECANTUSDB_VERSION" ]]; then
    return 0
  fi
  local python log="$INFRA_CACHE/secantusdb-install.log"
  python="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
  [[ -n "$python" ]] || infra_die "python3 (3.10-3.13) is required to install SecantusDB"
  mkdir -p "$INFRA_CACHE"
  : >"$log"
  rm -rf "$VENV"
  if ! { "$python" -m venv "$VENV" &&
    "$VENV/bin/pip" install --disable-pip-version-check --only-binary=:all: "SecantusDB==$SECANTUSDB_VERSION"; } >>"$log" 2>&1; then
    echo "infra: installing SecantusDB $SECANTUSDB_VERSION failed:" >&2
    tail -n 40 "$log" >&2
    rm -rf "$VENV"
    exit 1
  fi
  "$SECANTUSDB_BIN" --help >>"$log" 2>&1 || infra_die "the installed secantusd-py does not run; see $log"
  echo "$SECANTUSDB_VERSION" >"$SECANTUSDB_STAMP"
}

ready() { infra_mongodb_answers "$MONGODB_PORT"; }

start() {
  if infra_pid_alive "$PIDFILE" "$MARKER"; then
    ready || infra_fail_start secantusdb "$LOGFILE" "$PIDFILE" "$MARKER" "is running but does not answer a ping"
    return 0
  fi
  install
  if infra_port_open "$MONGODB_PORT"; then
    infra_die "port $MONGODB_PORT is already in use by another process (set MONGODB_PORT)"
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/data"
  # An empty config file: --config turns off the discovery of ./secantusd.toml,
  # ~/.secantus/secantusd.toml and /etc/secantus/secantusd.toml, so only the flags below count.
  # It advertises itself as a one-node replica set (its default), as production's MongoDB does;
  # writes are not fsynced at each commit (its default; the data is thrown away at each start).
  : >"$RUN_DIR/secantusd.toml"
  infra_spawn "$PIDFILE" "$LOGFILE" "$SECANTUSDB_BIN" \
    --config="$RUN_DIR/secantusd.toml" \
    --host=127.0.0.1 \
    --port="$MONGODB_PORT" \
    "$MARKER" \
    --cache-size=256M \
    --log-level=WARNING
  infra_wait_ready secantusdb "$LOGFILE" "$PIDFILE" "$MARKER" "$READY_TIMEOUT" 0.5 listening_and_ready
}

listening_and_ready() { infra_port_open "$MONGODB_PORT" && ready; }

stop() { infra_stop secantusdb "$PIDFILE" "$MARKER" 30; }

status() { infra_pid_alive "$PIDFILE" "$MARKER"; }

case "${1:-}" in
  install | start | stop | status) "$1" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
