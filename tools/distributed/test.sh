#!/usr/bin/env bash
# `npm run test:distributed`: two replicas of every app, each its own process, on a real Kafka
# broker, a MongoDB-wire server, Redis (tools/infra) and PostgreSQL (every service's event store,
# tools/infra/postgres.sh; CI's own when POSTGRES_URL is set), the gateway replicas sharing their
# rate limits: the end-to-end suites against the gateways, the MongoDB and Redis adapter suites
# against the servers, the replay tool, the traces across the apps, the operability checks
# (health, metrics, a gateway replica's drain), the fault tests, and last the SIGKILL of one
# replica of every app under write load; then everything stopped again.
set -euo pipefail
# Each step says when it began, in seconds since the start: where the time goes, run after run.
step() { echo "== [${SECONDS} s] $*"; }
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
started_postgres=""

stop_all() {
  # The fault tests leave the processes they restarted in <name>.pid files.
  for file in "$run_dir"/*.pid; do [ -e "$file" ] && pids+=("$(cat "$file")"); done
  for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash tools/infra/down.sh || true
  [ -z "$started_postgres" ] || bash tools/infra/postgres.sh stop || true
}
trap stop_all EXIT

step "build"
npm run build >/dev/null

step "configuration checks"
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
# Personal data is sealed with data keys wrapped by a master key the replicas share: none is generated, and a short one is refused.
boot_check contacts-service DATA_KEY_ENCRYPTION_KEY -- "${webhooks_env[@]}"
boot_check webhooks-service "must be 32 bytes in base64" -- "${webhooks_env[@]}" DATA_KEY_ENCRYPTION_KEY=c2hvcnQ=
# The contacts and webhooks replicas share it (and the data keys, in PostgreSQL: see below).
DATA_KEY_ENCRYPTION_KEY=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")
export DATA_KEY_ENCRYPTION_KEY

step "infrastructure (Kafka, ${MONGODB_SERVER:-secantusdb}, Redis)"
infra_env=$(bash tools/infra/up.sh) || { echo "the test servers did not start"; exit 1; }
eval "$(grep -E '^(KAFKA_BROKERS|MONGODB_URL|REDIS_URL)=' <<<"$infra_env" | sed 's/^/export /')"

step "PostgreSQL (the event store every replica of a service shares)"
if [ -z "${POSTGRES_URL:-}" ]; then
  POSTGRES_URL=$(bash tools/infra/postgres.sh start | sed -n 's/^POSTGRES_URL=//p')
  [ -n "$POSTGRES_URL" ] || { echo "tools/infra/postgres.sh start printed no POSTGRES_URL"; exit 1; }
  started_postgres=yes
fi
# A database of this run's own: the suites that ran before on the same server keep theirs.
events_db="distributed_$$_$(date +%s)"
# The data keys in a database of their own beside it, never in the event store (docs/privacy.md);
# the MongoDB key store is covered by the adapter suites.
keys_db="${events_db}_keys"
for db in "$events_db" "$keys_db"; do
  node -e 'const { Client } = require("pg"); const c = new Client({ connectionString: process.argv[1] }); c.connect().then(() => c.query(`CREATE DATABASE ${process.argv[2]}`)).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); })' "$POSTGRES_URL" "$db"
done
export EVENTSTORE_URL="${POSTGRES_URL%/*}/$events_db"
export DATA_KEYS_URL="${POSTGRES_URL%/*}/$keys_db"

start() { # name script [VAR=value ...]
  local name=$1 script=$2
  shift 2
  env OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" OTEL_BSP_SCHEDULE_DELAY=1000 "$@" DATA_DIR="$run_dir/data" HOST=127.0.0.1 setsid node "dist/apps/$script/src/main.js" >"$run_dir/$name.log" 2>&1 &
  pids+=("$!")
}

step "apps, two replicas each"
# Each replica: its own INSTANCE_ID and health port (the second one's is the first's + 10).
start contacts contacts-service INSTANCE_ID=contacts-1 HEALTH_PORT=3961
start labels labels-service INSTANCE_ID=labels-1 HEALTH_PORT=3962 LABEL_QUOTA=5
start extended-fields extended-fields-service INSTANCE_ID=extended-fields-1 HEALTH_PORT=3963
start contacts-2 contacts-service INSTANCE_ID=contacts-2 HEALTH_PORT=3971
second_replicas=("contacts-2:$!")
start labels-2 labels-service INSTANCE_ID=labels-2 HEALTH_PORT=3972 LABEL_QUOTA=5
second_replicas+=("labels-2:$!")
start extended-fields-2 extended-fields-service INSTANCE_ID=extended-fields-2 HEALTH_PORT=3973
second_replicas+=("extended-fields-2:$!")
# The webhooks replicas sign with one key, with the suites' settings (harness.ts, TEST_WEBHOOKS):
# loopback receivers, retries in seconds, and 4 attempts in flight per subscription
# (WEBHOOK_CONCURRENCY is per replica: 2 each). The sweep runs every 2 s rather than the
# suites' 0.5 s: each one scans the pending deliveries on the MongoDB-wire server.
WEBHOOK_PRIVATE_KEY=$(node -e "console.log(require('crypto').generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))")
export WEBHOOK_PRIVATE_KEY WEBHOOK_ALLOW_PRIVATE_TARGETS=true WEBHOOK_RETRY_SCHEDULE=300ms,600ms,900ms WEBHOOK_SWEEP_INTERVAL_MS=2000 WEBHOOK_CONCURRENCY=2
webhooks_replicas=(webhooks-1:3965 webhooks-2:3966)
webhooks_pids=()
for replica in "${webhooks_replicas[@]}"; do
  start "${replica%%:*}" webhooks-service INSTANCE_ID="${replica%%:*}" HEALTH_PORT="${replica##*:}"
  webhooks_pids+=("$!")
done
# Two gateway replicas, one Redis: the suites' keys and the rate-limited key of rate-limits.json.
api_keys=$(node -p 'JSON.stringify([...require("./apps/standalone/test/test-keys.json"), ...require("./apps/standalone/test/rate-limits.json").keys])')
rate_limits=$(node -p 'JSON.stringify(require("./apps/standalone/test/rate-limits.json").RATE_LIMITS)')
# REQUEST_TIMEOUT_MS: a Bulk Upsert of 100 email subscriptions answers once the contacts
# projection has applied them: several seconds on FerretDB (MONGODB_SERVER=ferretdb), whose
# every look-up scans, where MongoDB takes well under one.
gateway_pids=()
start_gateway() { # name port
  start "$1" gateway INSTANCE_ID="$1" PORT="$2" REQUEST_TIMEOUT_MS=10000 API_KEYS="$api_keys" RATE_LIMITS="$rate_limits" REDIS_URL="$REDIS_URL" UNSUBSCRIBE_LINK_SECRET="$unsubscribe_secret"
}
for replica in gateway:"$gateway_port" gateway-replica:"$replica_port"; do
  start_gateway "${replica%%:*}" "${replica##*:}"
  gateway_pids+=("$!")
done
service_health_ports=(3961 3962 3963 3971 3972 3973 3965 3966)

# Waits up to $1 seconds for every app to report healthy; else prints what each answers and fails.
wait_healthy() {
  local ready=""
  for _ in $(seq 1 "$1"); do
    ready=yes
    for port in "$gateway_port" "$replica_port" "${service_health_ports[@]}"; do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 || ready=""; done
    [ -n "$ready" ] && return 0
    sleep 1
  done
  echo "the apps did not all report healthy; health answers:"
  for port in "$gateway_port" "$replica_port" "${service_health_ports[@]}"; do echo "  $port: $(curl -s -m 30 "http://127.0.0.1:$port/health" 2>&1 | head -c 1500)"; done
  return 1
}
if ! wait_healthy 180; then
  echo "logs:"
  tail -n 40 "$run_dir"/*.log
  exit 1
fi

status=0
# DISTRIBUTED_STAGES (comma-separated: e2e, adapters, replay, tracing, operability, webhook-faults,
# faults, replica-faults) runs only those, for working on one; every stage runs by default, each
# only while the ones before it passed.
stage() {
  [ "$status" = 0 ] || return 1
  [[ -z "${DISTRIBUTED_STAGES:-}" || ",$DISTRIBUTED_STAGES," == *",$1,"* ]] || { echo "== $1: skipped (DISTRIBUTED_STAGES=$DISTRIBUTED_STAGES)"; return 1; }
  ran_stages+=" $1"
}
ran_stages=""
if stage e2e; then
  step "end-to-end suites against the gateway"
  E2E_GATEWAY_URL="http://127.0.0.1:$gateway_port" E2E_GATEWAY_URLS="http://127.0.0.1:$gateway_port,http://127.0.0.1:$replica_port" \
    npx jest -c apps/standalone/jest.config.js --runInBand 2>&1 | tee "$run_dir/stage-e2e.out" || status=1
fi
if stage adapters; then
  step "MongoDB adapter suites against the MongoDB-wire server, the Redis rate-limit store against Redis, topic set-up against Kafka"
  npx jest -c libs/testing/jest.config.js read-store-adapters.int || status=1
  npx jest -c libs/contacts/application/jest.config.js contact-queries.int || status=1
  npx jest -c libs/gateway/jest.config.js redis-rate-limit-store.int || status=1
  npx jest -c libs/runtime/jest.config.js kafka-topics.int kafka-server.int data-key-stores.int || status=1
fi

if stage replay; then
  step "replay tool against the live system"
  DATA_DIR="$run_dir/data" node tools/distributed/replay-check.mjs 2>&1 | tee "$run_dir/stage-replay.out" || status=1
fi

if stage tracing; then
  step "tracing: one trace from the gateway through the services, over Kafka requests, replies and events"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" GATEWAY_LOG="$run_dir/gateway.log" OTLP_RECEIVER_PORT="$otlp_port" \
    node tools/distributed/tracing.mjs 2>&1 | tee "$run_dir/stage-tracing.out" || status=1
fi

if stage operability; then
  step "operability: health and metrics of every app; SIGTERM of a gateway replica under load"
  APP_URLS="gateway=http://127.0.0.1:$gateway_port,gateway-replica=http://127.0.0.1:$replica_port,contacts=http://127.0.0.1:3961,labels=http://127.0.0.1:3962,extended-fields=http://127.0.0.1:3963,contacts-2=http://127.0.0.1:3971,labels-2=http://127.0.0.1:3972,extended-fields-2=http://127.0.0.1:3973,webhooks-1=http://127.0.0.1:3965,webhooks-2=http://127.0.0.1:3966" \
    GATEWAY_REPLICA_URL="http://127.0.0.1:$replica_port" GATEWAY_REPLICA_PGID="${gateway_pids[1]}" GATEWAY_REPLICA_LOG="$run_dir/gateway-replica.log" \
    node tools/distributed/operability.mjs 2>&1 | tee "$run_dir/stage-operability.out" || status=1
fi

if stage webhook-faults; then
  step "webhook fault tests (both replicas share the deliveries; one is killed mid-delivery)"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" RUN_DIR="$run_dir" \
    WEBHOOKS_REPLICAS="webhooks-1:${webhooks_pids[0]}:3965,webhooks-2:${webhooks_pids[1]}:3966" \
    node tools/distributed/webhook-faults.mjs 2>&1 | tee "$run_dir/stage-webhook-faults.out" || status=1
fi

if stage faults; then
  step "fault tests (kills the contacts service, stops the broker)"
  GATEWAY_URL="http://127.0.0.1:$gateway_port" CONTACTS_PID="${pids[0]}" CONTACTS_HEALTH_URL="http://127.0.0.1:3961/health" \
    RUN_DIR="$run_dir" DATA_DIR="$run_dir/data" node tools/distributed/faults.mjs 2>&1 | tee "$run_dir/stage-faults.out" || status=1
fi

if stage replica-faults; then
  step "replica faults (SIGKILL of one replica of every app under write load; the others carry on)"
  # Two of each again: the drain stopped the gateway replica, the contacts fault test stops the
  # contacts replica it restarted (once its port is free, a new one takes it).
  if [[ "$ran_stages" == *operability* ]]; then
    start_gateway gateway-replica-2 "$replica_port"
    second_replicas+=("gateway-replica-2:$!")
  else
    second_replicas+=("gateway-replica:${gateway_pids[1]}")
  fi
  if [[ "$ran_stages" == *" faults"* ]]; then
    for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:3961/health/live" >/dev/null 2>&1 || break; sleep 1; done
    start contacts-3 contacts-service INSTANCE_ID=contacts-3 HEALTH_PORT=3961
  fi
  # The webhooks replica the webhook fault test did not restart (its first process is the one alive).
  if [ -e "$run_dir/webhooks-2-restarted.pid" ]; then
    second_replicas+=("webhooks-1:${webhooks_pids[0]}") surviving_webhooks=3966
  else
    second_replicas+=("webhooks-2:${webhooks_pids[1]}") surviving_webhooks=3965
  fi
  wait_healthy 120 || status=1
fi
if [ "$status" = 0 ] && [[ "$ran_stages" == *replica-faults* ]]; then
  survivors=""
  for port in "$gateway_port" 3961 3962 3963 "$surviving_webhooks"; do survivors+="http://127.0.0.1:$port/health,"; done
  GATEWAY_URLS="http://127.0.0.1:$gateway_port,http://127.0.0.1:$replica_port" VICTIMS="$(IFS=,; echo "${second_replicas[*]}")" SURVIVOR_HEALTH_URLS="${survivors%,}" \
    node tools/distributed/replica-faults.mjs 2>&1 | tee "$run_dir/stage-replica-faults.out" || status=1
fi

if [ "$status" != 0 ]; then
  echo "failures; the apps' logs are in $run_dir"
  for log in "$run_dir"/*.log; do echo "--- $log"; tail -n 20 "$log"; done
  # Repeated last: a CI log is often read from its end, below the apps' logs.
  step "what failed"
  grep -h -A3 -E '^ *(✕|●) ' "$run_dir"/stage-*.out 2>/dev/null | head -n 60 || true
else
  rm -rf "$run_dir"
fi
cd "$root"
exit "$status"
