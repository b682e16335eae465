#!/usr/bin/env bash
# `npm run test:distributed`: every app as its own process on a real Kafka broker and a
# MongoDB-wire server (tools/infra), the end-to-end suites against the gateway, the MongoDB
# adapter suites against the server, then everything stopped again.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

export KAFKAJS_NO_PARTITIONER_WARNING=1
run_dir=$(mktemp -d)
gateway_port=${DISTRIBUTED_GATEWAY_PORT:-3960}
pids=()

stop_all() {
  for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash tools/infra/down.sh || true
}
trap stop_all EXIT

echo "== build"
npm run build >/dev/null

echo "== infrastructure (Kafka, FerretDB)"
eval "$(bash tools/infra/up.sh | grep -E '^(KAFKA_BROKERS|MONGODB_URL)=' | sed 's/^/export /')"

start() { # name script [VAR=value ...]
  local name=$1 script=$2
  shift 2
  env "$@" DATA_DIR="$run_dir/data" HOST=127.0.0.1 setsid node "dist/apps/$script/src/main.js" >"$run_dir/$name.log" 2>&1 &
  pids+=("$!")
}

echo "== apps, one process each"
start contacts contacts-service HEALTH_PORT=3961
start labels labels-service HEALTH_PORT=3962 LABEL_QUOTA=5
start extended-fields extended-fields-service HEALTH_PORT=3963
start gateway gateway PORT="$gateway_port" REQUEST_TIMEOUT_MS=3000 API_KEYS="$(cat apps/standalone/test/test-keys.json)"

ready=""
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$gateway_port/health" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
if [ -z "$ready" ]; then
  echo "the system did not become healthy; logs:"
  tail -n 40 "$run_dir"/*.log
  exit 1
fi
for port in 3961 3962 3963; do curl -fs "http://127.0.0.1:$port/health" >/dev/null; done

status=0
echo "== end-to-end suites against the gateway"
E2E_GATEWAY_URL="http://127.0.0.1:$gateway_port" npx jest -c apps/standalone/jest.config.js --runInBand || status=1
echo "== MongoDB adapter suites against the MongoDB-wire server"
npx jest -c libs/testing/jest.config.js read-store-adapters || status=1
npx jest -c libs/contacts/application/jest.config.js contact-queries || status=1

if [ "$status" = 0 ]; then
  echo "== replay tool against the live system"
  DATA_DIR="$run_dir/data" node tools/distributed/replay-check.mjs || status=1
fi

if [ "$status" = 0 ]; then
  echo "== fault tests (kills the contacts service, stops the broker)"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" CONTACTS_PID="${pids[0]}" CONTACTS_HEALTH_URL="http://127.0.0.1:3961/health" \
    RUN_DIR="$run_dir" DATA_DIR="$run_dir/data" node tools/distributed/faults.mjs || status=1
fi

if [ "$status" != 0 ]; then
  echo "failures; the apps' logs are in $run_dir"
  for log in "$run_dir"/*.log; do echo "--- $log"; tail -n 20 "$log"; done
else
  rm -rf "$run_dir"
fi
cd "$root"
exit "$status"
