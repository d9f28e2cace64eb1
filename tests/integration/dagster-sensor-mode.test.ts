import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagsterWorkspace } from "../helpers/dagster.js";

/** Pre-load in sensor mode in Dagster (options from the environment, as for Airflow). */
let dg: DagsterWorkspace;
beforeAll(async () => {
  dg = new DagsterWorkspace();
  await dg.setUp("examples/bakery", {
    pre_load_sensor: "true",
    pre_load_poke_interval: "1",
    pre_load_timeout: "3",
    pre_load_sensor_soft_fail: "true",
  });
}, 900_000);
afterAll(() => dg.tearDown());

const tags = { sl_scheduled_date: "2024-03-05T02:00:00+0000" };

describe("pre-load sensor mode in real Dagster 1.13", () => {
  it("files present: one poke, the load runs", () => {
    const r = dg.runJob("bakery_load_kitchen_batches", tags);
    expect(r.success).toBe(true);
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload", "load"]);
  });

  it("nothing to load: pokes until the timeout, then soft-fails: load skipped, run succeeds", () => {
    const r = dg.runJob("bakery_load_kitchen_batches", tags, { preload: 1 });
    expect(r.success).toBe(true);
    expect(r.steps.load_kitchen_batches).toBe("STEP_SKIPPED");
    // pokes at 0, 1 and 2 s within the 3 s timeout
    const pokes = r.records.filter((x) => x.argv[0] === "preload").length;
    expect(pokes).toBeGreaterThanOrEqual(2);
    expect(pokes).toBeLessThanOrEqual(3);
    expect(r.records.some((x) => x.argv[0] === "load")).toBe(false);
  });
});
