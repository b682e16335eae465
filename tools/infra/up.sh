#!/usr/bin/env bash
# Installs (once) and starts the real test servers: a Kafka broker, a MongoDB-wire server, Redis
# and PostgreSQL, then prints the environment lines that point tests at them (KAFKA_BROKERS=...,
# MONGODB_URL=..., REDIS_URL=..., POSTGRES_URL=...), e.g.  set -a; eval "$(tools/infra/up.sh)"; set +a
# Stop them with tools/infra/down.sh. Ports: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT
# (19093), MONGODB_PORT (27018), REDIS_PORT (16379), POSTGRES_PORT (15432). MONGODB_SERVER picks the MongoDB-wire
# server: secantusdb (the default: SecantusDB on WiredTiger, which uses its indexes;
# secantusdb.sh) or ferretdb (FerretDB on SQLite, which scans; ferretdb.sh); see
# docs/architecture.md, "CI's MongoDB-wire server".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mongo="${MONGODB_SERVER:-secantusdb}"
case "$mongo" in
  ferretdb | secantusdb) ;;
  *) echo "infra: MONGODB_SERVER must be ferretdb or secantusdb, not '$mongo'" >&2; exit 2 ;;
esac

# Build/fetch all before starting any, so that a slow first install of one does not
# keep another's server idling (and a failed install starts nothing).
"$here/kafka.sh" install
"$here/$mongo.sh" install
"$here/redis.sh" install
"$here/postgres.sh" install
# A server that dies during start-up is started once more: CI has seen FerretDB and Redis exit
# at once with nothing in their logs, and not again on the next try. The failure is printed
# (with the exit status or signal) either way.
start() {
  "$here/$1.sh" start && return 0
  echo "infra: starting $1 once more" >&2
  "$here/$1.sh" start
}
start kafka
start "$mongo" || { "$here/kafka.sh" stop; exit 1; }
start redis || { "$here/$mongo.sh" stop; "$here/kafka.sh" stop; exit 1; }
start postgres >/dev/null || { "$here/redis.sh" stop; "$here/$mongo.sh" stop; "$here/kafka.sh" stop; exit 1; }

echo "KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-19092}"
# Retryable writes off on SecantusDB: it keeps a record of each one for 30 minutes and walks all
# of them (sorting them past 10,000) on every write (transactions.py, _prune_retryable_locked), so
# each write got slower as a test ran: 1.9 s per 1,000 upserts at first, 23 s after 12,000, against
# a flat 1.4 s without. Production's MongoDB keeps the driver's default (on).
if [[ "$mongo" == secantusdb ]]; then
  echo "MONGODB_URL=mongodb://127.0.0.1:${MONGODB_PORT:-27018}/?retryWrites=false"
else
  echo "MONGODB_URL=mongodb://127.0.0.1:${MONGODB_PORT:-27018}"
fi
echo "REDIS_URL=redis://127.0.0.1:${REDIS_PORT:-16379}"
"$here/postgres.sh" url
