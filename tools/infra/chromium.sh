#!/usr/bin/env bash
# Debian's Chromium for the browser tests (apps/standalone/test/unsubscribe-page.e2e.spec.ts
# drives it with playwright-core; a test tool's own browser download does not work here).
# Idempotent: installs the package only when /usr/bin/chromium is missing, then prints its version.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CHROMIUM=/usr/bin/chromium

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

if [[ ! -x "$CHROMIUM" ]]; then
  log="$INFRA_CACHE/chromium-install.log"
  mkdir -p "$INFRA_CACHE"
  as_root apt-get update -qq >"$log" 2>&1 || { tail -n 20 "$log" >&2; infra_die "apt-get update failed"; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >>"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; infra_die "apt-get install chromium failed"; }
  [[ -x "$CHROMIUM" ]] || infra_die "$CHROMIUM is still missing after apt-get install chromium; see $log"
fi
# The launcher's /etc/chromium.d scripts print noise on stderr on some machines; the version is what counts.
"$CHROMIUM" --version 2>/dev/null || infra_die "$CHROMIUM does not start; run \`$CHROMIUM --version\` to see why"
