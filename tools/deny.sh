#!/usr/bin/env bash
# cargo-deny over the dependency tree (deny.toml): licences, banned crates and duplicate versions,
# and sources. Advisories too with --advisories (they need github.com for the RustSec database;
# the GitHub workflow passes it). cargo-deny is installed once, pinned, outside the clone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CARGO_DENY_VERSION=0.20.2
tools="${LUMIKU_DENY_TOOLS:-$HOME/.cache/lumiku/deny-tools}"
deny="$tools/bin/cargo-deny"
if [ ! -x "$deny" ] || [ "$("$deny" --version | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  # Its own target directory: building it must not touch the workspace's.
  CARGO_TARGET_DIR="$tools/target" cargo install --quiet --locked --root "$tools" \
    cargo-deny --version "$CARGO_DENY_VERSION"
  rm -rf "$tools/target"
fi
checks=(bans licenses sources)
[ "${1:-}" = --advisories ] && checks+=(advisories)
cd "$root"
"$deny" --locked check --show-stats "${checks[@]}"
