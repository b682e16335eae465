#!/usr/bin/env bash
# Docker Compose v5 (the `docker compose` CLI, built from the Go module proxy) for the packaging
# tests on machines without Docker: tools/packaging/src/compose.int.spec.ts runs its
# `config` command, which loads, interpolates and validates docker-compose.yml exactly as
# `docker compose up` does, without a Docker engine.
# Idempotent: builds $INFRA_CACHE/bin/docker-compose only when it is missing or of another
# version, then prints its version. From empty Go caches the build takes about a minute and a half
# of CPU (2 cores: a little over a minute).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# v5.6.0 is the newest release whose go.mod asks for no newer Go than the machines' (1.26.8).
COMPOSE_VERSION=v5.6.0
COMPOSE_BIN="$INFRA_CACHE/bin/docker-compose"
COMPOSE_STAMP="$INFRA_CACHE/bin/docker-compose.version"

install() {
  if [[ -x "$COMPOSE_BIN" && "$(cat "$COMPOSE_STAMP" 2>/dev/null)" == "$COMPOSE_VERSION" ]]; then
    return 0
  fi
  command -v go >/dev/null || infra_die "go is required to build Docker Compose"
  mkdir -p "$INFRA_CACHE/bin"
  local log="$INFRA_CACHE/docker-compose-install.log" src="$INFRA_CACHE/src/compose-$COMPOSE_VERSION"
  : >"$log"
  infra_go_module_source "Docker Compose" "github.com/docker/compose/v5@$COMPOSE_VERSION" "$src" "$log"
  # The version flag is the one compose's own Makefile sets (internal.Version), so that
  # `docker-compose version` names the release.
  if ! (cd "$src" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local GOWORK=off \
    go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
    -o "$COMPOSE_BIN.tmp" ./cmd) >>"$log" 2>&1; then
    echo "infra: building Docker Compose $COMPOSE_VERSION failed (it needs Go $(sed -n 's/^go //p' "$src/go.mod") or newer; this is $(go env GOVERSION)):" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
  "$COMPOSE_BIN" version >>"$log" 2>&1 || infra_die "the built docker-compose does not run; see $log"
  rm -rf "$src"
  rmdir "$INFRA_CACHE/src" 2>/dev/null || true
  echo "$COMPOSE_VERSION" >"$COMPOSE_STAMP"
}

install
"$COMPOSE_BIN" version
