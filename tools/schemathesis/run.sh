#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis and fails on any 5xx.
#
# Installs the pinned schemathesis (requirements.txt, from PyPI) into a virtualenv cached under
# ~/.cache, builds the app, starts the standalone app on a free port with a throwaway key and
# data directory, runs a bounded number of examples per operation with the key's headers, and
# stops the app. Checks: no 5xx, and every answer conforms to the document (its status is one
# the operation documents, its content type and its body match the schema). A 4xx for a
# generated request is the API refusing bad input, which is what it should do.
#
#   SCHEMATHESIS_EXAMPLES  examples per operation in the fuzzing phase (default 75)
#   SCHEMATHESIS_SEED      fixed seed, to replay a run (default: a new one; it is printed)
#   SCHEMATHESIS_WORKERS   concurrent workers (default 1: with 2, hypothesis's lambda descriptions
#                          crashed CPython 3.11's ast.parse in the coverage phase, "AST constructor
#                          recursion depth mismatch", a runtime error that fails the run)
#   SKIP_BUILD=1           use the dist/ already built
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tools/schemathesis

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
requirements_hash=$(sha256sum "$here/requirements.txt" | cut -c1-16)
venv="${XDG_CACHE_HOME:-$HOME/.cache}/contacts-platform/schemathesis-$requirements_hash"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "== installing schemathesis into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "== npm run build"
  npm run build --silent
fi

data_dir=$(mktemp -d)
port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
key="schemathesis-$(node -p "require('crypto').randomBytes(16).toString('hex')")"
site=schemathesis-site
base="http://127.0.0.1:$port"
log="$data_dir/server.log"

NO_COLOR=1 API_KEYS="[{\"key\":\"$key\",\"sites\":[\"*\"],\"scopes\":[\"*\"],\"name\":\"schemathesis\"}]" RATE_LIMITS=off \
  DATA_DIR="$data_dir" HOST=127.0.0.1 PORT="$port" node dist/apps/standalone/src/main.js >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "the app exited before it was ready"; exit 1; }
  sleep 1
done
curl -fs "$base/health" >/dev/null || { cat "$log"; echo "the app did not become ready"; exit 1; }

# SCHEMATHESIS_PATHS (a regex of paths) fuzzes only those operations, for working on one.
seed=${SCHEMATHESIS_SEED:-$RANDOM$RANDOM}
echo "== schemathesis against $base/openapi.json (seed $seed)"
# The document lists each operation once (its /_api/... aliases run the same handler).
# Run from the throwaway directory: schemathesis keeps a crash cache in its working directory.
status=0
(cd "$data_dir" && timeout 420 "$venv/bin/schemathesis" run "$base/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-75}" \
  --seed "$seed" \
  --workers "${SCHEMATHESIS_WORKERS:-1}" \
  --request-timeout 20 \
  --header "Authorization: $key" \
  --header "wix-site-id: $site" \
  --generation-with-security-parameters false \
  --generation-database none \
  --suppress-health-check all \
  --warnings off \
  ${SCHEMATHESIS_PATHS:+--include-path-regex "$SCHEMATHESIS_PATHS"} \
  --no-color) || status=$?

if grep -q "ERROR" "$log"; then
  echo "== errors the app logged (first 80 lines):"
  grep -A6 "ERROR" "$log" | head -80
fi
exit "$status"
