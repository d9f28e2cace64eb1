#!/usr/bin/env bash
# Copies the metadata of github:starlake-ai/StarBake into DEST for the reader's corpus test.
# Its files are never committed here. Source: $STARBAKE_GIT (a clone or bare git directory),
# else a shallow clone from GitHub when STARBAKE_CLONE=1.
set -euo pipefail
dest=${1:?usage: copy-starbake.sh DEST}
mkdir -p "$dest"
if [[ -n "${STARBAKE_GIT:-}" ]]; then
  git --git-dir "$STARBAKE_GIT" archive HEAD metadata | tar -x -C "$dest"
  exit 0
fi
if [[ "${STARBAKE_CLONE:-}" == 1 ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git clone --quiet --depth 1 https://github.com/starlake-ai/StarBake "$tmp/starbake"
  cp -R "$tmp/starbake/metadata" "$dest/"
  exit 0
fi
echo "copy-starbake.sh: set STARBAKE_GIT to a StarBake git directory, or STARBAKE_CLONE=1" >&2
exit 2
