#!/usr/bin/env bash
# The main job: the bakery example, validated, planned, drawn and written as Airflow DAG files.
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
echo "graphs written to $out/bakery.mmd and $out/bakery.svg, Airflow DAG files to $out/airflow"
