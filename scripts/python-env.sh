#!/usr/bin/env bash
# Creates (once) and prints the path of a cached Python virtual environment for integration tests.
# Usage: scripts/python-env.sh airflow   (reads scripts/python/airflow-requirements.txt)
# Pinned: scripts/python/<name>-constraints.txt, when present, fixes the version of every package
# (the direct ones are exact in the requirements too). The cache key covers both files and the
# Python version, so a change of any of them builds a new environment instead of reusing a stale one.
# The cache lives outside the repository: $XDG_CACHE_HOME/starlake-orchestration/venvs/<name>-<hash>.
set -euo pipefail
name="$1"
here="$(cd "$(dirname "$0")" && pwd)"
req="$here/python/$name-requirements.txt"
constraints="$here/python/$name-constraints.txt"
python="${SLO_PYTHON:-python3}"
pins=(-r "$req")
[ -f "$constraints" ] && pins+=(-c "$constraints")
hash="$({ cat "$req"; [ -f "$constraints" ] && cat "$constraints"; "$python" --version 2>&1; } | sha256sum | cut -c1-12)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/starlake-orchestration/venvs/$name-$hash"
# Test files and benchmarks ask for the same environment at once: one creates it while the others
# wait on the lock (built in place: a venv's scripts name its path, so it cannot be moved).
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
command -v flock >/dev/null && flock 9
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  "$python" -m venv "$dir" >&2
  "$dir/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  touch "$dir/.complete"
fi
echo "$dir"
