import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowWorkspace } from "../helpers/airflow.js";
import { freshCopy, requiredStarlake, tableCounts } from "../helpers/real-starlake.js";

/**
 * The minimal example's generated Airflow DAG files, run by real Airflow 3.3 (`dag.test()`) with
 * the real Starlake CLI on a fresh copy of the project: the same tables and row counts as on the
 * engine (real-starlake-engine.test.ts), read back from the DuckDB file opened read-only.
 */
const starlake = requiredStarlake();

describe("real Starlake under generated Airflow DAGs", () => {
  let af: AirflowWorkspace;
  let copy: string;
  beforeAll(async () => {
    copy = freshCopy("minimal");
    af = new AirflowWorkspace();
    await af.setUp(copy, { SL_STARLAKE_PATH: starlake }, { SL_ROOT: copy });
  }, 900_000);
  afterAll(() => {
    af.tearDown();
    rmSync(dirname(copy), { recursive: true, force: true });
  });

  it("minimal: the load DAG, then the transforms, give the engine's tables", () => {
    for (const dag of ["minimal_load", "minimal_plant_count", "minimal_thirsty_plants"]) {
      const run = af.runDag(dag, "2024-03-05T06:00:00+00:00");
      expect(run.state, `${dag}: ${JSON.stringify(run.tasks)}`).toBe("success");
    }
    expect(tableCounts(join(copy, "datasets", "minimal.duckdb"))).toEqual({
      "garden.plants": 2,
      "garden.waterings": 1,
      "report.plant_count": 2,
      "report.thirsty_plants": 2,
    });
  }, 3_000_000);
});
