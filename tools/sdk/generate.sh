#!/usr/bin/env bash
# Regenerates the SDKs from the API document: sdks/openapi.json (`lumiku openapi`, default
# configuration) and the TypeScript SDK's types (sdks/typescript/src/schema.ts).
# With --check, fails when the committed files differ from what the code generates.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --locked --quiet --bin lumiku)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# A clean environment and an empty directory: no lumiku.toml, no LUMIKU_* variable.
(cd "$scratch" && env -i PATH="$PATH" HOME="$HOME" "$target/debug/lumiku" openapi --output "$root/sdks/openapi.json")
cd "$root/sdks/typescript"
[ -d node_modules ] || npm ci --silent --no-audit --no-fund
npm run --silent generate >/dev/null
if [ "${1:-}" = "--check" ]; then
  if ! git -C "$root" diff --exit-code --stat -- sdks/openapi.json sdks/typescript/src/schema.ts; then
    echo "The committed SDKs differ from what the API document generates: run tools/sdk/generate.sh and commit." >&2
    exit 1
  fi
fi
