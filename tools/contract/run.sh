#!/usr/bin/env bash
# The API document as a contract, checked against a live server:
#   1. Redocly's linter over `lumiku openapi` (recommended rules): no errors;
#   2. schemathesis over every operation, authenticated, on SQLite and on PostgreSQL: no 5xx, no
#      undocumented status, no answer that violates its schema or headers, no schema-violating
#      request accepted, no schema-valid one refused (save the exceptions schemathesis.toml
#      lists, each with its reason), no missing credential ignored.
# Usage: tools/contract/run.sh [sqlite] [postgres]   (both by default; postgres needs
# LUMIKU_TEST_POSTGRES_URL, and creates and drops the database lumiku_contract there).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

REDOCLY_VERSION=2.77.0
SCHEMATHESIS_VERSION=4.32.5
tools="${LUMIKU_CONTRACT_TOOLS:-$HOME/.cache/lumiku/contract-tools}"
mkdir -p "$tools"
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi
# schemathesis in a virtual environment of its own, on the newest Python at hand: CPython 3.11's
# AST constructor is not thread-safe (python/cpython#106905), and hypothesis parses source from
# both workers' threads ("AST constructor recursion depth mismatch").
python=""
pyenv_pythons=()
if command -v pyenv >/dev/null 2>&1; then
  mapfile -t pyenv_pythons < <(ls -d "$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r)
fi
for candidate in python3.13 python3.12 "${pyenv_pythons[@]}" python3; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || { echo "schemathesis needs Python 3.10 or newer" >&2; exit 1; }
venv="$tools/venv-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
st="$venv/bin/st"
if [ ! -x "$st" ] || [ "$("$st" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# A fixed seed by default, so that CI draws the same requests every run and a failure reproduces;
# LUMIKU_CONTRACT_SEED=random draws new ones (do, before a change lands), or any number replays it.
seed="${LUMIKU_CONTRACT_SEED:-20261203}"
seed_args=()
[ "$seed" = random ] || seed_args=(--seed "$seed")

target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --locked --quiet --bin lumiku)
lumiku="$target/debug/lumiku"

work="$(mktemp -d)"
cleanup() {
  for pid in "$work"/server-*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done
  jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

echo "== redocly lint"
(cd "$work" && "$lumiku" openapi --output "$work/openapi.json")
(cd "$here" && NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$tools/node_modules/.bin/redocly" lint "$work/openapi.json" --config "$here/redocly.yaml" --format=summary)

run_backend() {
  local backend=$1 url port server
  case "$backend" in
    sqlite) url="sqlite://$work/contract.db"; port=3917 ;;
    postgres)
      local pg="${LUMIKU_TEST_POSTGRES_URL:?set LUMIKU_TEST_POSTGRES_URL for the PostgreSQL run}"
      psql "$pg" -qc "drop database if exists lumiku_contract" -c "create database lumiku_contract" >/dev/null
      url="${pg%/*}/lumiku_contract"; port=3918 ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  echo "== schemathesis on $backend"
  # The fuzzer sends thousands of requests without a credential from one address: the per-address
  # limit is off here (tests/api/api_keys.rs holds it), so that they reach their handlers.
  (cd "$work" && exec env LUMIKU_DATABASE_URL="$url" LUMIKU_BIND="127.0.0.1:$port" \
    LUMIKU_DATA_DIR="$work/data-$backend" LUMIKU_WELCOME_BONUS_CREDITS=100000 \
    LUMIKU_PAYMENT_GATEWAY=sandbox LUMIKU_SMTP_URL="smtp://127.0.0.1:9" \
    LUMIKU_ANONYMOUS_REQUESTS_PER_MINUTE=0 \
    "$lumiku" serve) >"$work/server-$backend.log" 2>&1 &
  server=$!
  echo "$server" >"$work/server-$backend.pid"
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done
  register() {
    curl -sf -X POST "http://127.0.0.1:$port/api/auth/register" -H 'content-type: application/json' \
      -d "{\"email\":\"$1@example.com\",\"password\":\"correct horse battery\"}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["accessToken"])'
  }
  local status=0
  # Signing out, changing the password and revoking a device end the session the run uses:
  # they run last, with an account of their own.
  local ending='^/api/(auth/(logout|password)|devices/\{id\})$'
  # The WebSocket endpoint answers every plain HTTP request 426 once its credential (a bearer or a
  # realtime ticket) is good; schemathesis speaks no WebSocket. tests/api/realtime.rs covers it.
  local websocket='^/api/realtime$'
  (cd "$here" && LUMIKU_CONTRACT_TOKEN="$(register contract)" "$st" --config-file schemathesis.toml run "${seed_args[@]}" \
    "http://127.0.0.1:$port/api/openapi.json" --exclude-path-regex "$ending|$websocket") || status=1
  (cd "$here" && LUMIKU_CONTRACT_TOKEN="$(register ending)" "$st" --config-file schemathesis.toml run "${seed_args[@]}" \
    "http://127.0.0.1:$port/api/openapi.json" --include-path-regex "$ending") || status=1
  kill "$server"; wait "$server" 2>/dev/null || true; rm -f "$work/server-$backend.pid"
  if [ "$backend" = postgres ]; then
    psql "$LUMIKU_TEST_POSTGRES_URL" -qc "drop database if exists lumiku_contract" >/dev/null || true
  fi
  return $status
}

# The backends run side by side (each its own server, port and database); their reports are
# printed one after the other once both are done.
for backend in "${backends[@]}"; do
  run_backend "$backend" >"$work/report-$backend.txt" 2>&1 &
  echo $! >"$work/run-$backend.pid"
done
failed=0
for backend in "${backends[@]}"; do
  status=0
  wait "$(cat "$work/run-$backend.pid")" || status=1
  cat "$work/report-$backend.txt"
  if [ $status != 0 ]; then
    failed=1
    echo "== schemathesis on $backend failed; the server's last log lines:"
    tail -n 50 "$work/server-$backend.log" 2>/dev/null || true
  fi
done
exit $failed
