#!/usr/bin/env bash
# Runs the README's session as a newcomer pastes it: every shell block of README.md marked with
# an `<!-- readme-session -->` line just before its fence, in order, in one
# `bash -euo pipefail`, so the first command that fails stops the run (the session's `refused`
# helper is how a step that must answer 409 says so). Needs a running server:
#   BASE      the API, as the README's own line defaults it (http://127.0.0.1:3000)
#   DATA_DIR  the server's data directory, where the session reads the generated key (./data)
# Used by tools/smoke-test.sh against `npm start`; handy against any standalone server.
set -euo pipefail
cd "$(dirname "$0")/.."

readme=${README:-README.md}
marker='<!-- readme-session -->'
script=$(mktemp)
trap 'rm -f "$script"' EXIT

# A marked fence opens a block; its closing fence ends it. An unterminated block is an error, so a
# broken README does not quietly run half its session.
awk -v marker="$marker" '
  state == 0 && $0 == marker { state = 1; next }
  state == 1 { if ($0 ~ /^```(sh|bash|shell)[[:space:]]*$/) { state = 2; blocks++; print "# --- README block " blocks " (line " NR ")"; next } else { print FILENAME ":" NR ": " marker " must stand just before a ```sh fence" > "/dev/stderr"; exit 2 } }
  state == 2 { if ($0 ~ /^```[[:space:]]*$/) { state = 0; next } print }
  END { if (state == 2) { print FILENAME ": the last marked block is not closed" > "/dev/stderr"; exit 2 } if (!blocks) { print FILENAME ": no block is marked " marker > "/dev/stderr"; exit 2 } }
' "$readme" >"$script"

echo "README session: $(grep -c '^# --- README block' "$script") block(s) of $readme against ${BASE:-http://127.0.0.1:3000}"
# -v echoes each line of the README as it is run, so a failure's log ends at the line that failed.
if bash -euo pipefail -v "$script"; then
  echo "README session OK"
else
  status=$?
  echo "README session failed (exit $status): the last command above is the README's line that failed" >&2
  exit "$status"
fi
