# Sourced by generate.sh and test.sh (which set $root): the pinned tools the SDKs are made and
# tested with, installed with pip and npm on first use, and again when their pins change.
sdk_tools="$HOME/.cache/lumiku/sdk-tools"

# Runs a command with nothing from the caller's environment but PATH, HOME and the arguments
# NAME=VALUE before it: no RUFF_*, PYTHON*, NODE_OPTIONS... to change what it makes.
clean() { env -i PATH="$PATH" HOME="$HOME" "$@"; }

# A virtualenv at $1 holding exactly the requirements file $2 and, when $3 names a project
# directory, that project (editable, without its dependencies: the requirements pin them). Made
# again when those files change.
ensure_venv() {
  local venv="$1" requirements="$2" project="${3:-}" stamp
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "The Python SDK needs Python 3.11 or newer as python3 (this is $(python3 --version 2>&1))." >&2
    return 1
  fi
  stamp="$( (python3 --version; cat "$requirements" ${project:+"$project/pyproject.toml"}) | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$venv/.lumiku-stamp" 2>/dev/null)" = "$stamp" ] && return 0
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
  if [ -n "$project" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input --no-deps -e "$project"
  fi
  echo "$stamp" >"$venv/.lumiku-stamp"
}

# The Python SDK's generator (tools/sdk/requirements.txt), in $sdk_tools/python.
ensure_python_tools() {
  ensure_venv "$sdk_tools/python" "$root/tools/sdk/requirements.txt"
}

# The Postman converter and newman (tools/sdk/package.json and its lock), in $sdk_tools/node.
ensure_node_tools() {
  local dir="$sdk_tools/node" stamp
  stamp="$(cat "$root/tools/sdk/package.json" "$root/tools/sdk/package-lock.json" | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$dir/.lumiku-stamp" 2>/dev/null)" = "$stamp" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$root/tools/sdk/package.json" "$root/tools/sdk/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --silent --no-audit --no-fund)
  echo "$stamp" >"$dir/.lumiku-stamp"
}
