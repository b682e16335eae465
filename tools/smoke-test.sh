#!/usr/bin/env bash
# Starts the product the way the README says (`npm start`) in a fresh data directory, runs the
# README's curl session against it, and stops it. Used by CI; handy after any change to start-up.
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

BASE_URL="http://127.0.0.1:$port" API_KEY=$(node -p "require('$data_dir/standalone-api-key.json').key") SITE_ID=default-site \
  bash tools/curl-session.sh
# A stop as a terminal's Ctrl-C or a supervisor does it: the signal to the group (npm forwards it
# again), and the app closes everything, the webhooks worker included, before it exits.
kill -TERM -- -"$server"
# npm exits at once; the app (same process group) is done when the whole group is gone.
for _ in $(seq 1 30); do pgrep -g "$server" >/dev/null || break; sleep 1; done
grep -q "Contacts platform stopped (SIGTERM)" "$log" || { cat "$log"; echo "the app did not stop cleanly on SIGTERM"; exit 1; }
echo "smoke test passed"
