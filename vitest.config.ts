import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The files that take minutes (real Starlake, real Airflow and Dagster), longest first. Two
// workers share the machine's two cores: most of these files wait on JVM and Python processes,
// so a second file fits beside them. Starting the longest ones first keeps one of them from
// running alone at the end; everything else follows in vitest's own order.
const LONGEST_FIRST = [
  "tests/integration/real-starlake-airflow.test.ts",
  "tests/integration/real-starlake-dagster.test.ts",
  "tests/integration/conformance.test.ts",
  "tests/integration/real-starlake-engine.test.ts",
  "tests/integration/starlake-differential.test.ts",
  "tests/integration/airflow-cloud-runs.test.ts",
  "tests/integration/hostile-fields.test.ts",
  "tests/integration/remote-dagster.test.ts",
  "tests/integration/airflow-runs.test.ts",
  "tests/engine/engine-kill.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    const rest = await super.sort(files);
    return [...rest].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    pool: "forks",
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
  },
});
