#!/usr/bin/env bash
# Stops the servers started by tools/infra/up.sh (Kafka, FerretDB and Redis); safe to run when
# they are not running. Exits non-zero only if a stop fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rc=0
"$here/redis.sh" stop || rc=1
"$here/ferretdb.sh" stop || rc=1
"$here/kafka.sh" stop || rc=1
exit "$rc"
