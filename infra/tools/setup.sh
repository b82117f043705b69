#!/usr/bin/env bash
# Install the infrastructure tools, each into its own virtualenv under .venv/tools/<name>/, from the
# pinned infra/tools/requirements-<name>.txt. aws-sam-cli, cfn-lint, checkov and check-jsonschema pin
# dependencies that conflict with each other and with moto, so they cannot share .venv.
#
# Usage: bash infra/tools/setup.sh [sam] [cfn-lint] [checkov] [check-jsonschema]   (default: all)
#
# Idempotent: a tool whose requirement file and Python did not change since its last install is
# skipped in milliseconds, so CI and infra/publish.py can call this every time.
set -euo pipefail
cd "$(dirname "$0")/../.."

ALL_TOOLS=(sam cfn-lint checkov check-jsonschema)
PYTHON="${SWANILAI_TOOLS_PYTHON:-python3}"
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=("${ALL_TOOLS[@]}")

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "infra/tools/setup.sh: $PYTHON must be Python 3.11 or newer (set SWANILAI_TOOLS_PYTHON to another interpreter)" >&2
  exit 1
fi
python_version="$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"

for tool in "${tools[@]}"; do
  requirements="infra/tools/requirements-$tool.txt"
  if [ ! -f "$requirements" ]; then
    echo "infra/tools/setup.sh: unknown tool '$tool' (known: ${ALL_TOOLS[*]})" >&2
    exit 2
  fi
  venv=".venv/tools/$tool"
  # The stamp names exactly what was installed: the pins and the interpreter.
  stamp="$( (cat "$requirements"; echo "python $python_version") | sha256sum | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.swanilai-stamp" 2>/dev/null)" = "$stamp" ]; then
    continue
  fi
  echo "infra/tools/setup.sh: installing $tool into $venv/ ..." >&2
  rm -f "$venv/.swanilai-stamp"
  "$PYTHON" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
  echo "$stamp" > "$venv/.swanilai-stamp"
done
