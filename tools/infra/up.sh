#!/usr/bin/env bash
# Installs (once) and starts the real test servers: a Kafka broker, FerretDB (MongoDB wire
# protocol) and Redis, then prints the environment lines that point tests at them
# (KAFKA_BROKERS=..., MONGODB_URL=..., REDIS_URL=...), e.g.  set -a; eval "$(tools/infra/up.sh)"; set +a
# Stop them with tools/infra/down.sh. Ports: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT
# (19093), MONGODB_PORT (27018), REDIS_PORT (16379).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Build/fetch all before starting any, so that a slow first install of one does not
# keep another's server idling (and a failed install starts nothing).
"$here/kafka.sh" install
"$here/ferretdb.sh" install
"$here/redis.sh" install
"$here/kafka.sh" start
"$here/ferretdb.sh" start || { "$here/kafka.sh" stop; exit 1; }
"$here/redis.sh" start || { "$here/ferretdb.sh" stop; "$here/kafka.sh" stop; exit 1; }

echo "KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-19092}"
echo "MONGODB_URL=mongodb://127.0.0.1:${MONGODB_PORT:-27018}"
echo "REDIS_URL=redis://127.0.0.1:${REDIS_PORT:-16379}"
