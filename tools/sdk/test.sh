#!/usr/bin/env bash
# Runs each SDK's own test suite against a live `lumiku serve` (SQLite, the sandbox gateway): the
# TypeScript SDK's, the Python SDK's (pytest), and the Postman collection's Flow (newman).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
. "$root/tools/sdk/lib.sh"
(cd "$root" && cargo build --locked --quiet --bin lumiku)
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=3927
(cd "$work" && exec env -i PATH="$PATH" HOME="$HOME" LUMIKU_DATABASE_URL="sqlite://$work/sdk.db" \
  LUMIKU_BIND="127.0.0.1:$port" LUMIKU_PAYMENT_GATEWAY=sandbox "$target/debug/lumiku" serve) \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done
export LUMIKU_URL="http://127.0.0.1:$port"
echo "== TypeScript SDK"
cd "$root/sdks/typescript"
[ -d node_modules ] || npm ci --silent --no-audit --no-fund
npm test

echo "== Python SDK"
cd "$root/sdks/python"
ensure_venv "$root/sdks/python/.venv" requirements-test.txt "$root/sdks/python"
clean LUMIKU_URL="$LUMIKU_URL" .venv/bin/python -m pytest -q -p no:cacheprovider

echo "== Postman collection (newman)"
ensure_node_tools
cd "$root/sdks/postman"
clean "$sdk_tools/node/node_modules/.bin/newman" run lumiku.postman_collection.json \
  -e lumiku.postman_environment.json --folder Flow --env-var "baseUrl=$LUMIKU_URL" \
  --env-var "email=postman-$(date +%s%N)@example.com" --env-var "password=correct horse battery staple"
