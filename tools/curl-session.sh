#!/usr/bin/env bash
# The README's curl session, runnable: create, read, update with a revision, query, labels, fields, delete.
# Needs BASE_URL, API_KEY and SITE_ID; fails on the first unexpected status.
set -euo pipefail
: "${BASE_URL:?}" "${API_KEY:?}" "${SITE_ID:?}"

call() { # method path [body] -> prints the body, checks the status
  local method=$1 path=$2 body=${3:-} expected=${EXPECT:-200} out status
  out=$(mktemp)
  status=$(curl -s -o "$out" -w '%{http_code}' -X "$method" "$BASE_URL$path" \
    -H "Authorization: $API_KEY" -H "wix-site-id: $SITE_ID" \
    ${body:+-H 'content-type: application/json' --data "$body"})
  cat "$out"; echo; rm -f "$out"
  [ "$status" = "$expected" ] || { echo "expected HTTP $expected from $method $path, got $status" >&2; exit 1; }
}
field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)$1))"; }

created=$(call POST /contacts/v4/contacts '{"info":{"name":{"first":"Ada","last":"Lovelace"},"emails":{"items":[{"email":"ada@example.com"}]}}}')
id=$(echo "$created" | field .contact.id)
call GET "/contacts/v4/contacts/$id" >/dev/null
EXPECT=409 call POST /contacts/v4/contacts '{"info":{"emails":{"items":[{"email":"ADA@example.com"}]}}}' >/dev/null
call PATCH "/contacts/v4/contacts/$id" '{"revision":1,"info":{"company":"Analytical Engines"}}' >/dev/null
EXPECT=409 call PATCH "/contacts/v4/contacts/$id" '{"revision":1,"info":{"company":"Lost update"}}' >/dev/null
total=$(call POST /contacts/v4/contacts/query '{"query":{"filter":{"info.company":{"$startsWith":"analytical"}}}}' | field .pagingMetadata.total)
[ "$total" = 1 ] || { echo "query found $total contacts, expected 1" >&2; exit 1; }
call POST /contacts/v4/labels '{"displayName":"VIP"}' >/dev/null
call POST "/contacts/v4/contacts/$id/labels" '{"labelKeys":["custom.vip"]}' >/dev/null
call POST /contacts/v4/extended-fields '{"displayName":"Shoe size","dataType":"NUMBER"}' >/dev/null
call PATCH "/contacts/v4/contacts/$id" '{"revision":3,"info":{"extendedFields":{"items":{"custom.shoe-size":42}}}}' >/dev/null
EXPECT=400 call PATCH "/contacts/v4/contacts/$id" '{"revision":4,"info":{"extendedFields":{"items":{"custom.shoe-size":"big"}}}}' >/dev/null
call DELETE "/contacts/v4/contacts/$id" >/dev/null
EXPECT=404 call GET "/contacts/v4/contacts/$id" >/dev/null
echo "curl session OK"
