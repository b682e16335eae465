#!/usr/bin/env bash
# Starts the product the way the README says (`npm start`) in a fresh data directory, runs the
# README's session against it (tools/readme-session.sh), and stops it. Used by CI; handy after any change to start-up.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d)
port=${SMOKE_PORT:-3917}
log="$data_dir/server.log"
# In its own process group, so that stopping it also stops the node process npm starts.
DATA_DIR="$data_dir" PORT="$port" setsid npm start >"$log" 2>&1 &
server=$!
cleanup() { kill -- -"$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "server exited"; exit 1; }
  sleep 1
done
grep -q "Authorization: " "$log" || { cat "$log"; echo "the generated key was not announced"; exit 1; }

# The README's session, as a newcomer pastes it (its key from this data directory).
BASE="http://127.0.0.1:$port" DATA_DIR="$data_dir" bash tools/readme-session.sh
api_key=$(node -p "require('$data_dir/standalone-api-key.json').key")
contacts_total() {
  curl -fs -X POST "http://127.0.0.1:$port/contacts/v4/contacts/query" -H "Authorization: $api_key" -H 'wix-site-id: default-site' \
    -H 'content-type: application/json' -d '{"query":{"paging":{"limit":1}}}' | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).pagingMetadata.total'
}
# A contact the rebuild below must give back, beside what the session left.
curl -fs -X POST "http://127.0.0.1:$port/contacts/v4/contacts" -H "Authorization: $api_key" -H 'wix-site-id: default-site' \
  -H 'content-type: application/json' -d '{"info":{"name":{"first":"Kept"}}}' >/dev/null
total_before=$(contacts_total)
[ "$total_before" -ge 1 ] || { echo "no contacts before the rebuild"; exit 1; }
# A stop as a terminal's Ctrl-C or a supervisor does it: the signal to the group (npm forwards it
# again), and the app closes everything, the webhooks worker included, before it exits.
kill -TERM -- -"$server"
# npm exits at once; the app (same process group) is done when the whole group is gone.
for _ in $(seq 1 30); do pgrep -g "$server" >/dev/null || break; sleep 1; done
grep -q "Contacts platform stopped (SIGTERM)" "$log" || { cat "$log"; echo "the app did not stop cleanly on SIGTERM"; exit 1; }

# The same data with the read models in SQLite files (READ_STORE=sqlite): built from the events on
# the first start, a rebuild refused while the app serves the data, rebuilt into a fresh file with
# the app stopped, and the app started again on it answers as before.
start_sqlite_app() {
  DATA_DIR="$data_dir" PORT="$port" READ_STORE=sqlite setsid node dist/apps/standalone/src/main.js >>"$log.sqlite" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$log.sqlite"; echo "the app (READ_STORE=sqlite) exited"; exit 1; }
    sleep 1
  done
  cat "$log.sqlite"; echo "the app (READ_STORE=sqlite) did not get healthy"; exit 1
}
stop_app() {
  kill -TERM -- -"$server"
  for _ in $(seq 1 30); do pgrep -g "$server" >/dev/null || break; sleep 1; done
}
start_sqlite_app
[ "$(contacts_total)" = "$total_before" ] || { echo "READ_STORE=sqlite shows $(contacts_total) contacts, memory $total_before"; exit 1; }
if DATA_DIR="$data_dir" node dist/tools/cli/main.js replay rebuild contacts 2>"$data_dir/replay.err"; then
  echo "the rebuild ran while the app was serving its data"; exit 1
fi
grep -q "stop it first" "$data_dir/replay.err" || { cat "$data_dir/replay.err"; echo "the rebuild did not say why it refused"; exit 1; }
stop_app
DATA_DIR="$data_dir" node dist/tools/cli/main.js replay rebuild contacts 2>"$data_dir/replay.err" || { cat "$data_dir/replay.err"; echo "the rebuild failed"; exit 1; }
start_sqlite_app
total_after=$(contacts_total)
stop_app
[ "$total_after" = "$total_before" ] || { echo "after the rebuild $total_after contacts, before $total_before"; exit 1; }
echo "READ_STORE=sqlite: built from the events, rebuilt with the app stopped: $total_after contacts, as before"
echo "smoke test passed"
