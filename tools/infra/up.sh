#!/usr/bin/env bash
# Installs (once) and starts the real test servers: a Kafka broker and FerretDB
# (MongoDB wire protocol), then prints the environment lines that point tests at them
# (KAFKA_BROKERS=..., MONGODB_URL=...), e.g.  set -a; eval "$(tools/infra/up.sh)"; set +a
# Stop them with tools/infra/down.sh. Ports: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT
# (19093), MONGODB_PORT (27018).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Build/fetch both before starting either, so that a slow first install of one does not
# keep the other's server idling (and a failed install starts nothing).
"$here/kafka.sh" install
"$here/ferretdb.sh" install
"$here/kafka.sh" start
"$here/ferretdb.sh" start || { "$here/kafka.sh" stop; exit 1; }

echo "KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-19092}"
echo "MONGODB_URL=mongodb://127.0.0.1:${MONGODB_PORT:-27018}"
