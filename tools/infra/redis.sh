#!/usr/bin/env bash
# Redis 7 (Debian's redis-server package) for tests on machines without Docker: the store
# that gateway replicas share their rate limits through; see shared/design/ci-infra.md.
#   install  apt-get install redis-server if it is missing (once; needs root)
#   start    install if needed, start on 127.0.0.1:${REDIS_PORT:-16379}, in memory only
#            (nothing saved), and wait until it answers PING
#   stop     stop it (pidfile)
#   status   exit 0 if it is running
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REDIS_PORT="${REDIS_PORT:-16379}"
RUN_DIR="$INFRA_RUN/redis"
CONF="$RUN_DIR/redis.conf"
PIDFILE="$RUN_DIR/redis.pid"
LOGFILE="$INFRA_RUN/redis.log"
MARKER="$CONF"  # in the server's process title (proc-title-template below)
READY_TIMEOUT="${REDIS_READY_TIMEOUT:-30}"

install() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  [[ "$(id -u)" == 0 ]] || infra_die "redis-server is missing; install it with: apt-get install -y redis-server"
  local log="$INFRA_CACHE/redis-install.log"
  mkdir -p "$INFRA_CACHE"
  # apt-get update only when the package is unknown (a fresh machine has no package lists).
  if ! apt-cache show redis-server >/dev/null 2>&1; then
    apt-get update >"$log" 2>&1 || { tail -n 20 "$log" >&2; infra_die "apt-get update failed"; }
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >>"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; infra_die "apt-get install redis-server failed"; }
  command -v redis-server >/dev/null || infra_die "redis-server is still missing after apt-get install; see $log"
}

write_config() {
  cat >"$CONF" <<CONF
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
daemonize no
dir $RUN_DIR
save ""
appendonly no
proc-title-template "{title} {listen-addr} {config-file}"
CONF
}

ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start() {
  if infra_pid_alive "$PIDFILE" "$MARKER"; then
    ready || infra_fail_start redis "$LOGFILE" "$PIDFILE" "$MARKER" "is running but does not answer PING"
    return 0
  fi
  install
  if infra_port_open "$REDIS_PORT"; then
    infra_die "port $REDIS_PORT is already in use by another process (set REDIS_PORT)"
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  write_config
  infra_spawn "$PIDFILE" "$LOGFILE" redis-server "$CONF"
  infra_wait_ready redis "$LOGFILE" "$PIDFILE" "$MARKER" "$READY_TIMEOUT" 0.2 ready
}

stop() { infra_stop redis "$PIDFILE" "$MARKER" 10; }

status() { infra_pid_alive "$PIDFILE" "$MARKER"; }

case "${1:-}" in
  install | start | stop | status) "$1" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
