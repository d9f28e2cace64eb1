#!/usr/bin/env bash
# Creates (once) and prints the path of a cached Python virtual environment for integration tests.
# Usage: scripts/python-env.sh airflow   (reads scripts/python/airflow-requirements.txt)
# The cache lives outside the repository: $XDG_CACHE_HOME/starlake-orchestration/venvs/<name>-<hash>.
set -euo pipefail
name="$1"
here="$(cd "$(dirname "$0")" && pwd)"
req="$here/python/$name-requirements.txt"
hash="$(sha256sum "$req" | cut -c1-12)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/starlake-orchestration/venvs/$name-$hash"
# Test files and benchmarks ask for the same environment at once: one creates it while the others
# wait on the lock (built in place: a venv's scripts name its path, so it cannot be moved).
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
command -v flock >/dev/null && flock 9
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  touch "$dir/.complete"
fi
echo "$dir"
