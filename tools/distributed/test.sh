#!/usr/bin/env bash
# `npm run test:distributed`: every app as its own process on a real Kafka broker, a
# MongoDB-wire server and Redis (tools/infra), two gateway replicas sharing their rate limits,
# two webhooks replicas sharing one SQLite event store, the end-to-end suites against the
# gateways, the MongoDB and Redis adapter suites against the servers, the replay tool, the
# traces across the apps, the operability checks (health, metrics, a gateway replica's drain),
# the fault tests, then everything stopped again.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

export KAFKAJS_NO_PARTITIONER_WARNING=1
run_dir=$(mktemp -d)
gateway_port=${DISTRIBUTED_GATEWAY_PORT:-3960}
replica_port=${DISTRIBUTED_GATEWAY_REPLICA_PORT:-3964}
# Every app exports its spans here (tracing on, as in production with a collector); the tracing
# stage listens on it, and until then the exports fail and their spans are dropped.
otlp_port=${DISTRIBUTED_OTLP_PORT:-3967}
pids=()

stop_all() {
  # The fault tests leave the processes they restarted in <name>.pid files.
  for file in "$run_dir"/*.pid; do [ -e "$file" ] && pids+=("$(cat "$file")"); done
  for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash tools/infra/down.sh || true
}
trap stop_all EXIT

echo "== build"
npm run build >/dev/null

echo "== configuration checks"
boot_check() { # app expected-message... -- VAR=value ...
  local app=$1 out rc=0 expected=()
  shift
  while [ "$1" != -- ]; do expected+=("$1"); shift; done
  shift
  out=$(env -u REDIS_URL -u WEBHOOK_PRIVATE_KEY -u UNSUBSCRIBE_LINK_SECRET "$@" timeout 60 node "dist/apps/$app/src/main.js" 2>&1) || rc=$?
  for message in "${expected[@]}"; do
    if [ "$rc" != 2 ] || ! grep -qF -- "$message" <<<"$out"; then
      echo "$app with $* should stop with exit code 2 naming ${expected[*]}; it exited $rc:"
      echo "$out" | tail -n 20
      exit 1
    fi
  done
}
# A bad RATE_LIMITS, or rate limits without the Redis the replicas share them through, stops the gateway.
# Replicas share the unsubscribe-link key, so the gateway needs it given, and a short one is refused.
unsubscribe_secret=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")
gateway_env=(KAFKA_BROKERS=127.0.0.1:1 API_KEYS="$(cat apps/standalone/test/test-keys.json)")
boot_check gateway RATE_LIMITS -- "${gateway_env[@]}" UNSUBSCRIBE_LINK_SECRET="$unsubscribe_secret" RATE_LIMITS=fast REDIS_URL=redis://127.0.0.1:1
boot_check gateway REDIS_URL -- "${gateway_env[@]}" UNSUBSCRIBE_LINK_SECRET="$unsubscribe_secret" RATE_LIMITS=wix
boot_check gateway UNSUBSCRIBE_LINK_SECRET -- "${gateway_env[@]}" RATE_LIMITS=off
boot_check gateway "at least 32 random bytes" -- "${gateway_env[@]}" RATE_LIMITS=off UNSUBSCRIBE_LINK_SECRET=c2hvcnQ=
# The webhooks service needs the signing key its replicas share, and lists every bad WEBHOOK_* at once.
webhooks_env=(KAFKA_BROKERS=127.0.0.1:1 MONGODB_URL=mongodb://127.0.0.1:1)
boot_check webhooks-service WEBHOOK_PRIVATE_KEY WEBHOOK_TIMEOUT_MS WEBHOOK_RETRY_SCHEDULE -- "${webhooks_env[@]}" WEBHOOK_TIMEOUT_MS=soon WEBHOOK_RETRY_SCHEDULE=never
boot_check webhooks-service "not a valid PEM" -- "${webhooks_env[@]}" WEBHOOK_PRIVATE_KEY=not-a-key
# Tracing starts before the app reads its configuration, but a bad tracing variable still stops it with the rest.
boot_check contacts-service OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_PROTOCOL -- "${webhooks_env[@]}" OTEL_EXPORTER_OTLP_ENDPOINT=collector:4318 OTEL_EXPORTER_OTLP_PROTOCOL=grpc

echo "== infrastructure (Kafka, ${MONGODB_SERVER:-secantusdb}, Redis)"
infra_env=$(bash tools/infra/up.sh) || { echo "the test servers did not start"; exit 1; }
eval "$(grep -E '^(KAFKA_BROKERS|MONGODB_URL|REDIS_URL)=' <<<"$infra_env" | sed 's/^/export /')"

start() { # name script [VAR=value ...]
  local name=$1 script=$2
  shift 2
  env OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" OTEL_BSP_SCHEDULE_DELAY=1000 "$@" DATA_DIR="$run_dir/data" HOST=127.0.0.1 setsid node "dist/apps/$script/src/main.js" >"$run_dir/$name.log" 2>&1 &
  pids+=("$!")
}

echo "== apps, one process each"
start contacts contacts-service HEALTH_PORT=3961
start labels labels-service HEALTH_PORT=3962 LABEL_QUOTA=5
start extended-fields extended-fields-service HEALTH_PORT=3963
# Two webhooks replicas on one SQLite event store (the same DATA_DIR), signing with one key,
# with the suites' settings (harness.ts, TEST_WEBHOOKS): loopback receivers, retries in seconds,
# and 4 attempts in flight per subscription (WEBHOOK_CONCURRENCY is per replica: 2 each). The
# sweep runs every 2 s rather than the suites' 0.5 s: each one scans the pending deliveries on
# the MongoDB-wire server, whose scans held back the deliveries projection (issue 16).
WEBHOOK_PRIVATE_KEY=$(node -e "console.log(require('crypto').generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))")
export WEBHOOK_PRIVATE_KEY WEBHOOK_ALLOW_PRIVATE_TARGETS=true WEBHOOK_RETRY_SCHEDULE=300ms,600ms,900ms WEBHOOK_SWEEP_INTERVAL_MS=2000 WEBHOOK_CONCURRENCY=2
webhooks_replicas=(webhooks-1:3965 webhooks-2:3966)
webhooks_pids=()
# One after the other: twice in five runs the second replica, started beside the first, hung in
# its start-up for over two minutes (after Nest's module set-up, before its Kafka consumer: in the
# webhooks application's start on FerretDB and the shared SQLite file). Not understood yet
# (noted in issue 16); this run starts the second once the first answers.
for replica in "${webhooks_replicas[@]}"; do
  start "${replica%%:*}" webhooks-service INSTANCE_ID="${replica%%:*}" HEALTH_PORT="${replica##*:}"
  webhooks_pids+=("$!")
  for _ in $(seq 1 90); do curl -fs "http://127.0.0.1:${replica##*:}/health" >/dev/null 2>&1 && break; sleep 1; done
done
# Two gateway replicas, one Redis: the suites' keys and the rate-limited key of rate-limits.json.
api_keys=$(node -p 'JSON.stringify([...require("./apps/standalone/test/test-keys.json"), ...require("./apps/standalone/test/rate-limits.json").keys])')
rate_limits=$(node -p 'JSON.stringify(require("./apps/standalone/test/rate-limits.json").RATE_LIMITS)')
# REQUEST_TIMEOUT_MS: a Bulk Upsert of 100 email subscriptions answers once the contacts
# projection has applied them: several seconds on FerretDB (MONGODB_SERVER=ferretdb), whose
# every look-up scans, where MongoDB takes well under one.
gateway_pids=()
for replica in gateway:"$gateway_port" gateway-replica:"$replica_port"; do
  start "${replica%%:*}" gateway PORT="${replica##*:}" REQUEST_TIMEOUT_MS=10000 API_KEYS="$api_keys" RATE_LIMITS="$rate_limits" REDIS_URL="$REDIS_URL" UNSUBSCRIBE_LINK_SECRET="$unsubscribe_secret"
  gateway_pids+=("$!")
done

ready=""
for _ in $(seq 1 120); do
  ready=yes
  for port in "$gateway_port" "$replica_port" 3965 3966; do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 || ready=""; done
  [ -n "$ready" ] && break
  sleep 1
done
if [ -z "$ready" ]; then
  echo "the system did not become healthy; health answers:"
  for port in "$gateway_port" "$replica_port" 3961 3962 3963 3965 3966; do echo "  $port: $(curl -s -m 30 "http://127.0.0.1:$port/health" 2>&1 | head -c 1500)"; done
  echo "logs:"
  tail -n 40 "$run_dir"/*.log
  exit 1
fi
for port in 3961 3962 3963 3965 3966; do curl -fs "http://127.0.0.1:$port/health" >/dev/null; done

status=0
echo "== end-to-end suites against the gateway"
E2E_GATEWAY_URL="http://127.0.0.1:$gateway_port" E2E_GATEWAY_URLS="http://127.0.0.1:$gateway_port,http://127.0.0.1:$replica_port" \
  npx jest -c apps/standalone/jest.config.js --runInBand 2>&1 | tee "$run_dir/stage-e2e.out" || status=1
echo "== MongoDB adapter suites against the MongoDB-wire server, the Redis rate-limit store against Redis"
npx jest -c libs/testing/jest.config.js read-store-adapters.int || status=1
npx jest -c libs/contacts/application/jest.config.js contact-queries.int || status=1
npx jest -c libs/gateway/jest.config.js redis-rate-limit-store.int || status=1

if [ "$status" = 0 ]; then
  echo "== replay tool against the live system"
  DATA_DIR="$run_dir/data" node tools/distributed/replay-check.mjs 2>&1 | tee "$run_dir/stage-replay.out" || status=1
fi

if [ "$status" = 0 ]; then
  echo "== tracing: one trace from the gateway through the services, over Kafka requests, replies and events"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" GATEWAY_LOG="$run_dir/gateway.log" OTLP_RECEIVER_PORT="$otlp_port" \
    node tools/distributed/tracing.mjs 2>&1 | tee "$run_dir/stage-tracing.out" || status=1
fi

if [ "$status" = 0 ]; then
  echo "== operability: health and metrics of every app; SIGTERM of a gateway replica under load"
  APP_URLS="gateway=http://127.0.0.1:$gateway_port,gateway-replica=http://127.0.0.1:$replica_port,contacts=http://127.0.0.1:3961,labels=http://127.0.0.1:3962,extended-fields=http://127.0.0.1:3963,webhooks-1=http://127.0.0.1:3965,webhooks-2=http://127.0.0.1:3966" \
    GATEWAY_REPLICA_URL="http://127.0.0.1:$replica_port" GATEWAY_REPLICA_PGID="${gateway_pids[1]}" GATEWAY_REPLICA_LOG="$run_dir/gateway-replica.log" \
    node tools/distributed/operability.mjs 2>&1 | tee "$run_dir/stage-operability.out" || status=1
fi

if [ "$status" = 0 ]; then
  echo "== webhook fault tests (both replicas share the deliveries; one is killed mid-delivery)"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" RUN_DIR="$run_dir" DATA_DIR="$run_dir/data" \
    WEBHOOKS_REPLICAS="webhooks-1:${webhooks_pids[0]}:3965,webhooks-2:${webhooks_pids[1]}:3966" \
    node tools/distributed/webhook-faults.mjs 2>&1 | tee "$run_dir/stage-webhook-faults.out" || status=1
fi

if [ "$status" = 0 ]; then
  echo "== fault tests (kills the contacts service, stops the broker)"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" CONTACTS_PID="${pids[0]}" CONTACTS_HEALTH_URL="http://127.0.0.1:3961/health" \
    RUN_DIR="$run_dir" DATA_DIR="$run_dir/data" node tools/distributed/faults.mjs 2>&1 | tee "$run_dir/stage-faults.out" || status=1
fi

if [ "$status" != 0 ]; then
  echo "failures; the apps' logs are in $run_dir"
  for log in "$run_dir"/*.log; do echo "--- $log"; tail -n 20 "$log"; done
  # Repeated last: a CI log is often read from its end, below the apps' logs.
  echo "== what failed"
  grep -h -A3 -E '^ *(✕|●) ' "$run_dir"/stage-*.out 2>/dev/null | head -n 60 || true
else
  rm -rf "$run_dir"
fi
cd "$root"
exit "$status"
