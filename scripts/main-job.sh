#!/usr/bin/env bash
# The main job: the bakery example, validated, planned, drawn, written as Airflow DAG files and
# Dagster definitions, and run end to end on the embedded engine (in a copy, with a stand-in
# that records the Starlake commands instead of running the JVM; running the real Starlake CLI
# end to end is planned, see the README's status).
# Usage: npm run main-job
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
cp -r examples/bakery "$out/bakery"
SLO_RECORD="$out/starlake-calls.jsonl" \
  slo run "$out/bakery" --date 2026-03-02T06:00:00Z --starlake tests/integration/bin/starlake-recorder
slo runs "$out/bakery"
echo "graphs written to $out/bakery.mmd and $out/bakery.svg, Airflow DAG files to $out/airflow, Dagster definitions to $out/dagster"
echo "engine state in $out/bakery/.slo (slo runs $out/bakery), Starlake commands recorded in $out/starlake-calls.jsonl"
