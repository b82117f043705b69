#!/usr/bin/env bash
# Install the infrastructure tools, each into its own virtualenv under .venv/tools/<name>/, from the
# pinned infra/tools/requirements-<name>.txt. aws-sam-cli, cfn-lint, checkov and check-jsonschema pin
# dependencies that conflict with each other and with moto, so they cannot share .venv.
#
# Usage: bash infra/tools/setup.sh [--check] [sam] [cfn-lint] [checkov] [check-jsonschema]   (default: all)
#
# Idempotent: a tool whose requirement file did not change since its last install, and whose
# virtualenv still runs, is skipped in milliseconds, so CI and infra/publish.py can call this every
# time. --check installs nothing: it lists the tools that would be (re)installed and exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/../.."

ALL_TOOLS=(sam cfn-lint checkov check-jsonschema)
PYTHON="${SWANILAI_TOOLS_PYTHON:-python3}"
check_only=false
if [ "${1:-}" = "--check" ]; then check_only=true; shift; fi
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=("${ALL_TOOLS[@]}")
stale=()

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "infra/tools/setup.sh: $PYTHON must be Python 3.11 or newer (set SWANILAI_TOOLS_PYTHON to another interpreter)" >&2
  exit 1
fi

for tool in "${tools[@]}"; do
  requirements="infra/tools/requirements-$tool.txt"
  if [ ! -f "$requirements" ]; then
    echo "infra/tools/setup.sh: unknown tool '$tool' (known: ${ALL_TOOLS[*]})" >&2
    exit 2
  fi
  venv=".venv/tools/$tool"
  # The stamp names exactly what was installed; a venv whose interpreter is gone is reinstalled.
  stamp="$(sha256sum < "$requirements" | cut -d' ' -f1)"
  if [ "$(cat "$venv/.swanilai-stamp" 2>/dev/null)" = "$stamp" ] && "$venv/bin/python" -c '' 2>/dev/null; then
    continue
  fi
  if $check_only; then
    stale+=("$tool")
    continue
  fi
  echo "infra/tools/setup.sh: installing $tool into $venv/ ..." >&2
  rm -f "$venv/.swanilai-stamp"
  "$PYTHON" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
  echo "$stamp" > "$venv/.swanilai-stamp"
done

if [ ${#stale[@]} -gt 0 ]; then
  echo "infra/tools/setup.sh: not installed or out of date: ${stale[*]} (run: bash infra/tools/setup.sh)" >&2
  exit 1
fi
