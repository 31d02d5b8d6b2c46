#!/usr/bin/env bash
# Regenerates the SDKs from the API document: sdks/openapi.json (`lumiku openapi`, default
# configuration), the TypeScript SDK's types (sdks/typescript/src/schema.ts), the Python SDK's
# client (sdks/python/src/lumiku/openapi) and the Postman collection and environment (sdks/postman).
# With --check, fails when the committed files differ from what the code generates.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
. "$root/tools/sdk/lib.sh"
(cd "$root" && cargo build --locked --quiet --bin lumiku)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# A clean environment and an empty directory: no lumiku.toml, no LUMIKU_* variable.
(cd "$scratch" && env -i PATH="$PATH" HOME="$HOME" "$target/debug/lumiku" openapi --output "$root/sdks/openapi.json")

cd "$root/sdks/typescript"
[ -d node_modules ] || npm ci --silent --no-audit --no-fund
npm run --silent generate >/dev/null

# Python: openapi-python-client (pinned with everything it runs, ruff included) replaces the
# generated package; its warnings name what it could not generate.
ensure_python_tools
cd "$root/sdks/python"
if ! clean PATH="$sdk_tools/python/bin:$PATH" openapi-python-client generate --path ../openapi.json \
  --config openapi-python-client.yaml --meta none --output-path src/lumiku/openapi --overwrite \
  >"$scratch/python.log" 2>&1; then
  cat "$scratch/python.log" >&2
  exit 1
fi
# Every operation and schema must come out: a warning names a part of the document the
# generator cannot read, which is the document's to fix.
if grep -q "^Warning(s) encountered" "$scratch/python.log"; then
  echo "openapi-python-client could not generate everything (fix the API document):" >&2
  grep -E "^(WARNING|Unable to|Cannot|Unsupported|Attempted)" "$scratch/python.log" | sed 's/^/  /' >&2
  exit 1
fi

# Postman: openapi-to-postmanv2, then tools/sdk/postman.mjs.
ensure_node_tools
clean node "$root/tools/sdk/postman.mjs" "$sdk_tools/node" "$root/sdks/openapi.json" "$root/sdks/postman"

if [ "${1:-}" = "--check" ]; then
  generated=(sdks/openapi.json sdks/typescript/src/schema.ts sdks/python/src/lumiku/openapi
    sdks/postman/lumiku.postman_collection.json sdks/postman/lumiku.postman_environment.json)
  untracked="$(git -C "$root" ls-files --others --exclude-standard -- "${generated[@]}")"
  if ! git -C "$root" diff --exit-code --stat -- "${generated[@]}" || [ -n "$untracked" ]; then
    [ -z "$untracked" ] || printf 'not committed: %s\n' $untracked >&2
    echo "The committed SDKs differ from what the API document generates: run tools/sdk/generate.sh and commit." >&2
    exit 1
  fi
fi
