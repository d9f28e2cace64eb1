import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowWorkspace, expectedArgv } from "../helpers/airflow.js";

/** Pre-load in sensor mode (options from the environment apply to every dag config that sets none). */
let af: AirflowWorkspace;
beforeAll(async () => {
  af = new AirflowWorkspace();
  await af.setUp("examples/bakery", {
    pre_load_sensor: "true",
    pre_load_poke_interval: "1",
    pre_load_timeout: "3",
    pre_load_sensor_soft_fail: "true",
  });
}, 900_000);
afterAll(() => af.tearDown());

describe("pre-load sensor mode in real Airflow 3.3", () => {
  it("files present: the sensor succeeds at once and the load runs", () => {
    const p = af.pipeline("bakery_load_kitchen_batches");
    expect(p.tasks.find((t) => t.kind === "preload")?.gate?.sensor).toEqual({
      pokeInterval: 1,
      timeout: 3,
      softFail: true,
    });
    const r = af.runDag(p.id, "2024-03-05T02:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(p, ["check_kitchen_pending_files", "load_kitchen_batches"], {
        scheduledDate: "2024-03-05T02:00:00+0000",
      }),
    );
    expect(r.records[0]?.cwd).toBe(af.root);
    expect(r.records[0]?.env).toMatchObject(p.environment.env);
  });

  it("nothing to load: the sensor pokes until its timeout, then soft-fails: loads skipped, run succeeds", () => {
    const r = af.runDag("bakery_load_kitchen_batches", "2024-03-05T02:00:00+00:00", { preload: 1 });
    expect(r.state).toBe("success");
    expect(r.tasks).toMatchObject({
      check_kitchen_pending_files: "skipped",
      load_kitchen_batches: "skipped",
    });
    expect(r.records.length).toBeGreaterThanOrEqual(2);
    expect(r.records.every((x) => x.argv[0] === "preload")).toBe(true);
  });

  it("sensor files pass ruff too", () => {
    af.ruff(["format", "--isolated", "--check"]);
    af.ruff(["check", "--isolated"]);
  });

  it("a real error of the check fails at once", () => {
    const r = af.runDag("bakery_load_kitchen_batches", "2024-03-05T02:00:00+00:00", { preload: 3 });
    expect(r.state).toBe("failed");
    expect(r.records).toHaveLength(1);
  });
});
