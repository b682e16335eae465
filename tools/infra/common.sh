# shellcheck shell=bash
# Shared helpers for tools/infra/*.sh (sourced, not executed).
# Defines the cache dir (downloaded/built artefacts, kept across runs), the run dir
# (per-checkout data, pidfiles and logs, wiped on each start) and process helpers.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_CACHE="${INFRA_CACHE:-$HOME/.cache/contacts-platform-infra}"
INFRA_RUN="${INFRA_RUN:-$REPO_ROOT/.infra}"

infra_die() { echo "infra: $*" >&2; exit 1; }

# infra_pid_alive PIDFILE [MARKER] -> 0 if the pidfile names a live process whose command
# line contains MARKER (so that a stale pidfile whose pid was reused by an unrelated
# process is not mistaken for our server).
infra_pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "${2:-}" ]] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# infra_port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT.
infra_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# infra_spawn PIDFILE LOGFILE CMD... -> runs CMD detached (own session, no stdin),
# output to LOGFILE, its pid in PIDFILE.
infra_spawn() {
  local pidfile="$1" logfile="$2"
  shift 2
  rm -f "$pidfile"
  # The inner shell records its own pid and then execs the command, so the pidfile
  # holds the server's pid whether or not setsid had to fork.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$logfile" 2>&1 &
  INFRA_SPAWNED_JOB=$!
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  infra_die "could not start $1"
}

# infra_stop NAME PIDFILE MARKER [GRACE_SECONDS] -> TERM, wait, then KILL; removes the pidfile.
infra_stop() {
  local name="$1" pidfile="$2" marker="$3" grace="${4:-30}" pid i
  if ! infra_pid_alive "$pidfile" "$marker"; then
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "infra: $name (pid $pid) did not exit within ${grace}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

# infra_fail_start NAME LOGFILE PIDFILE MARKER MESSAGE -> prints the log tail, stops the
# process, exits non-zero.
infra_fail_start() {
  local name="$1" logfile="$2" pidfile="$3" marker="$4" msg="$5"
  echo "infra: $name $msg; last lines of $logfile:" >&2
  tail -n 40 "$logfile" >&2 2>/dev/null || true
  infra_stop "$name" "$pidfile" "$marker" 10 >/dev/null 2>&1 || true
  exit 1
}

# infra_pid_running PIDFILE -> 0 if the pidfile names a process that has not exited (a zombie
# has). For the server just spawned: its pidfile is fresh, so no marker is needed, and the
# command line is not read (it is briefly empty while the process execs).
infra_pid_running() {
  local pid state
  [[ -s "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)"
  [[ "$state" != Z ]]
}

# infra_exit_status PIDFILE -> sets INFRA_EXIT to how the server spawned last ended (" (exit
# status N)" or " (killed by signal N)"), for the start-up failure message; empty when it is not
# known (setsid forked, so the job is not the server). Not called in a subshell: only this
# shell can wait for its job.
infra_exit_status() {
  local status
  INFRA_EXIT=""
  [[ -n "${INFRA_SPAWNED_JOB:-}" && "$INFRA_SPAWNED_JOB" == "$(cat "$1" 2>/dev/null)" ]] || return 0
  wait "$INFRA_SPAWNED_JOB" 2>/dev/null && status=0 || status=$?
  if ((status > 128)); then INFRA_EXIT=" (killed by signal $((status - 128)))"; else INFRA_EXIT=" (exit status $status)"; fi
}

# infra_wait_ready NAME LOGFILE PIDFILE MARKER TIMEOUT INTERVAL CHECK... -> returns once CHECK
# (a command) succeeds; fails the start (infra_fail_start) if the process exits first or TIMEOUT
# seconds pass.
infra_wait_ready() {
  local name="$1" logfile="$2" pidfile="$3" marker="$4" timeout="$5" interval="$6"
  shift 6
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! infra_pid_running "$pidfile"; then
      infra_exit_status "$pidfile"
      infra_fail_start "$name" "$logfile" "$pidfile" "$marker" "exited during start-up$INFRA_EXIT"
    fi
    "$@" && return 0
    sleep "$interval"
  done
  infra_fail_start "$name" "$logfile" "$pidfile" "$marker" "was not ready within ${timeout}s"
}

# infra_node SCRIPT TARGET -> runs a Node script from the repo root, so that require()
# resolves packages from the repo's node_modules; TARGET is in process.env.INFRA_TARGET.
infra_node() {
  (cd "$REPO_ROOT" && INFRA_TARGET="$2" node -e "$1")
}

# infra_go_module_source NAME MODULE@VERSION SRC LOG -> a writable copy of that exact module
# version in SRC, from the Go module proxy, to build as the main module (its go.sum pins every
# dependency). `go install pkg@version` is no use here: it looks up the module's version list,
# which the registry proxy refuses (403), and refuses modules whose go.mod has exclude directives.
infra_go_module_source() {
  local name=$1 module=$2 src=$3 log=$4 mod_dir
  if ! mod_dir="$(cd "$INFRA_CACHE" && GOFLAGS='' GOTOOLCHAIN=local GOWORK=off \
    go mod download -json "$module" 2>>"$log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || [[ -z "$mod_dir" || ! -d "$mod_dir" ]]; then
    echo "infra: downloading $name ($module) failed:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  rm -rf "$src"
  mkdir -p "$src"
  cp -R "$mod_dir/." "$src/"
  chmod -R u+w "$src"
}

# infra_mongodb_answers PORT -> exit 0 when a MongoDB-wire server on 127.0.0.1:PORT answers a ping.
infra_mongodb_answers() {
  infra_node '
const { MongoClient } = require("mongodb");
const client = new MongoClient(process.env.INFRA_TARGET, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
client.connect()
  .then(() => client.db("admin").command({ ping: 1 }))
  .then((r) => { if (r.ok !== 1) throw new Error("ping: " + JSON.stringify(r)); })
  .then(() => client.close().then(() => process.exit(0)))
  .catch((e) => { console.error(e.message); client.close().finally(() => process.exit(1)); });
' "mongodb://127.0.0.1:$1" >/dev/null 2>&1
}
