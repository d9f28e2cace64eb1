import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { freshCopy, requiredStarlake, tableCounts } from "../helpers/real-starlake.js";

/**
 * The minimal example's generated Dagster definitions, run in process by real Dagster 1.13 with
 * the real Starlake CLI on a fresh copy of the project: the same tables and row counts as on the
 * engine (real-starlake-engine.test.ts), read back from the DuckDB file opened read-only.
 */
const starlake = requiredStarlake();

describe("real Starlake under generated Dagster definitions", () => {
  let dg: DagsterWorkspace;
  let copy: string;
  beforeAll(async () => {
    copy = freshCopy("minimal");
    dg = new DagsterWorkspace();
    await dg.setUp(copy, { SL_STARLAKE_PATH: starlake }, { SL_ROOT: copy });
  }, 900_000);
  afterAll(() => {
    dg.tearDown();
    rmSync(dirname(copy), { recursive: true, force: true });
  });

  it("minimal: the load job, then the transforms, give the engine's tables", () => {
    for (const job of ["minimal_load", "minimal_plant_count", "minimal_thirsty_plants"]) {
      const run = dg.runJob(job, { sl_scheduled_date: "2024-03-05T02:00:00+0000" });
      expect(run.success, `${job}: ${JSON.stringify(run.steps)}`).toBe(true);
    }
    expect(tableCounts(join(copy, "datasets", "minimal.duckdb"))).toEqual({
      "garden.plants": 2,
      "garden.waterings": 1,
      "report.plant_count": 2,
      "report.thirsty_plants": 2,
    });
  }, 3_000_000);
});
