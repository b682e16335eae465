#!/usr/bin/env bash
# Stops the servers started by tools/infra/up.sh (Kafka, the MongoDB-wire server, Redis and PostgreSQL); safe
# to run when they are not running. Exits non-zero only if a stop fails. It stops whichever
# MongoDB-wire server runs (FerretDB or SecantusDB; each stop is a no-op when that one is not
# running), so MONGODB_SERVER need not match the one up.sh was given.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rc=0
"$here/postgres.sh" stop || rc=1
"$here/redis.sh" stop || rc=1
"$here/ferretdb.sh" stop || rc=1
"$here/secantusdb.sh" stop || rc=1
"$here/kafka.sh" stop || rc=1
exit "$rc"
