#!/usr/bin/env bash
# All the tests: type check, lint, build, unit and integration tests. Usage: npm test
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
echo "node $(node --version)"
tsc -p tsconfig.json --noEmit
biome check .
rm -rf dist && tsc -p tsconfig.build.json
report="$(mktemp -d)/vitest.json"
status=0
vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node scripts/test-summary.mjs "$report"
exit $status
