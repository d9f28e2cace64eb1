#!/usr/bin/env bash
# The main job: the bakery example, validated, planned, drawn, written as Airflow DAG files and
# Dagster definitions, and run end to end on the embedded engine, in a fresh copy of the project,
# with the real Starlake CLI when there is one (else a stand-in that records the commands, and the
# output says so). Then each table of the copy's DuckDB file with its row count, and where the files are.
# Usage: npm run main-job
# Starlake: SL_STARLAKE_PATH, else ../shared/starlake/install (or SLO_STARLAKE_INSTALL), else
# starlake on PATH, else the recording stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ -f dist/cli/bin.js ] && [ -z "$(find src -newer dist/cli/bin.js -name '*.ts' | head -1)" ] || { rm -rf dist && tsc -p tsconfig.build.json; }
out="${SLO_OUT:-$(mktemp -d)}"
slo() { node dist/cli/bin.js "$@"; }
slo validate examples/bakery
slo plan examples/bakery
slo graph examples/bakery --format mermaid -o "$out/bakery.mmd"
slo graph examples/bakery --format svg -o "$out/bakery.svg"
slo generate examples/bakery --orchestrator airflow --out "$out/airflow"
slo generate examples/bakery --orchestrator dagster --out "$out/dagster"

# Which Starlake runs the commands.
install="${SLO_STARLAKE_INSTALL:-../shared/starlake/install}"
real=yes
if [ -n "${SL_STARLAKE_PATH:-}" ]; then
  starlake="$SL_STARLAKE_PATH" how="the real Starlake CLI named by SL_STARLAKE_PATH ($SL_STARLAKE_PATH)"
elif [ -x "$install" ] && starlake="$("$install")" && [ -x "$starlake" ]; then
  how="the real Starlake CLI laid out by $install ($starlake)"
elif starlake="$(command -v starlake)"; then
  how="the real Starlake CLI found on PATH ($starlake)"
else
  starlake="$PWD/tests/integration/bin/starlake-recorder" real=no
  how="the recording stand-in (no Starlake CLI: set SL_STARLAKE_PATH or put starlake on PATH); no data is loaded, the commands are recorded"
fi
echo "Starlake: $how"
if [ "$real" = yes ] && [ -z "${SL_JAVA_OPTS+set}" ]; then
  # each command's JVM starts from a class-data archive, about twice as fast (made once, cached)
  SL_JAVA_OPTS="$(bash scripts/starlake-jvm-options.sh "$starlake")"
  export SL_JAVA_OPTS
  [ -n "$SL_JAVA_OPTS" ] && echo "Starlake JVM options: $SL_JAVA_OPTS"
fi

# A fresh copy: Starlake moves the landing files and writes the DuckDB file under datasets/.
rm -rf "$out/bakery"
cp -r examples/bakery "$out/bakery"
code=0
SLO_RECORD="$out/starlake-calls.jsonl" \
  slo run "$out/bakery" --date 2026-03-02T06:00:00Z --starlake "$starlake" || code=$?
slo runs "$out/bakery"

db="$out/bakery/datasets/duckdb.db"
if [ "$real" = yes ] && [ -f "$db" ]; then
  echo "tables of $db (read-only):"
  python="$(bash scripts/python-env.sh duckdb)/bin/python"
  "$python" scripts/python/duckdb_tables.py "$db" | awk -F'\t' '{ printf "  %-32s %6d rows\n", $1, $2 }'
elif [ "$real" = yes ]; then
  echo "no DuckDB file at $db: no load ran (see slo logs)"
fi
echo "graphs written to $out/bakery.mmd and $out/bakery.svg, Airflow DAG files to $out/airflow, Dagster definitions to $out/dagster"
echo "project copy in $out/bakery, engine state in $out/bakery/.slo (slo runs $out/bakery; slo logs for a task's output)"
if [ "$real" = yes ]; then
  echo "DuckDB file: $db; Starlake's archived landing files under $out/bakery/datasets/archive"
else
  echo "Starlake commands recorded in $out/starlake-calls.jsonl (stand-in: no tables)"
fi
exit "$code"
