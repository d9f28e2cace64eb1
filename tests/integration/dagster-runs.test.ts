import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import { expectedArgv } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";

/** In-process execution of generated Dagster jobs in real Dagster 1.13, with the recorder. */
let dg: DagsterWorkspace;
beforeAll(async () => {
  dg = new DagsterWorkspace();
  // retry_delay from the environment applies where a dag config sets none (kitchen): 1 s, not 300 s;
  // the load on ack waits 3 s for its ack file, checking every second
  await dg.setUp(
    "examples/bakery",
    { retry_delay: "1", pre_load_poke_interval: "1" },
    { supplier_ack_wait: "3" },
  );
}, 900_000);
afterAll(() => dg.tearDown());

/** The run's date as a sensor passes it, and the values every runner must derive from it. */
const at = (iso: string) => ({
  tags: { sl_scheduled_date: iso.replace(/Z$/, "+0000") },
  values: (id: string) => runValues(dg.pipeline(id), new Date(iso)),
});

describe("generated Dagster jobs run in process (real Dagster 1.13)", () => {
  it("imported, files present: check, stage and load run with the IR's argv, env and cwd", () => {
    const p = dg.pipeline("bakery_load_shop_daily");
    const run = at("2024-03-05T01:00:00Z");
    const r = dg.runJob(p.id, run.tags);
    expect(r.success).toBe(true);
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        p,
        ["check_shop_incoming_files", "stage_shop_daily", "load_shop_order_lines"],
        run.values(p.id),
      ),
    );
    for (const x of r.records) {
      expect(x.cwd).toBe(dg.root);
      expect(x.env).toMatchObject(p.environment.env);
    }
    expect(new Set(Object.values(r.steps))).toEqual(new Set(["STEP_SUCCESS"]));
    // the materialisation carries the run's values and the command
    expect(r.materialized).toEqual([
      {
        key: "shop_order_lines",
        metadata: expect.objectContaining({
          sl_scheduled_date: run.values(p.id).scheduledDate,
          command: expect.stringContaining("load --scheduledDate"),
        }),
      },
    ]);
  });

  it("imported, nothing to load: stage and loads skipped, the run succeeds", () => {
    const r = dg.runJob("bakery_load_shop_daily", at("2024-03-05T01:00:00Z").tags, { preload: 1 });
    expect(r.success).toBe(true);
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload"]);
    expect(r.steps).toMatchObject({
      check_shop_incoming_files: "STEP_SUCCESS",
      stage_shop_daily: "STEP_SKIPPED",
      load_shop_order_lines: "STEP_SKIPPED",
    });
    expect(r.materialized).toEqual([]);
  });

  it("a real error of the check fails the run and runs no load", () => {
    const r = dg.runJob("bakery_load_shop_daily", at("2024-03-05T01:00:00Z").tags, { preload: 3 });
    expect(r.success).toBe(false);
    expect(r.records.every((x) => x.argv[0] === "preload")).toBe(true);
    expect(r.steps.check_shop_incoming_files).toBe("STEP_FAILURE");
  });

  it("a failing load is retried as configured, then fails the run", () => {
    const p = dg.pipeline("bakery_load_kitchen_batches");
    expect(p.defaults).toMatchObject({ retries: 1, retryDelay: 1 });
    const r = dg.runJob(p.id, at("2024-03-05T02:00:00Z").tags, { load: 2 });
    expect(r.success).toBe(false);
    expect(r.steps.load_kitchen_batches).toBe("STEP_FAILURE");
    expect(r.attempts.load_kitchen_batches).toBe(2);
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload", "load", "load"]);
  });

  it("pending: files present runs the load, nothing to load skips it", () => {
    const [job, iso] = ["bakery_load_kitchen_batches", "2024-03-05T02:00:00Z"];
    const ready = dg.runJob(job, at(iso).tags);
    expect(ready.success).toBe(true);
    expect(ready.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        dg.pipeline(job),
        ["check_kitchen_pending_files", "load_kitchen_batches"],
        at(iso).values(job),
      ),
    );
    const empty = dg.runJob(job, at(iso).tags, { preload: 1 });
    expect(empty.success).toBe(true);
    expect(empty.steps.load_kitchen_batches).toBe("STEP_SKIPPED");
    expect(empty.records).toHaveLength(1);
  });

  it("ack: waits for the ack file, then loads; never there, the loads are skipped after the wait", () => {
    const [job, iso] = ["bakery_load_supply_on_ack", "2024-03-05T05:30:00Z"];
    const p = dg.pipeline(job);
    expect(p.tasks.find((t) => t.kind === "preload")?.gate?.sensor).toEqual({
      pokeInterval: 1,
      timeout: 3,
      softFail: true,
    });
    const late = dg.runJob(job, at(iso).tags, { preload: [1, 1, 0] });
    expect(late.success).toBe(true);
    expect(late.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        p,
        [
          "check_supply_ack_file",
          "check_supply_ack_file",
          "check_supply_ack_file",
          "load_supply_deliveries",
        ],
        at(iso).values(job),
      ),
    );
    const never = dg.runJob(job, at(iso).tags, { preload: 1 });
    expect(never.success).toBe(true);
    expect(never.steps.load_supply_deliveries).toBe("STEP_SKIPPED");
    expect(never.records.length).toBeGreaterThanOrEqual(3);
    expect(never.records.every((x) => x.argv[0] === "preload")).toBe(true);
  });

  it("a dataset-triggered transform gets its scheduled date and data interval", () => {
    const id = "bakery_sales_product_revenue";
    const run = at("2024-03-05T02:00:00Z");
    const r = dg.runJob(id, run.tags);
    expect(r.success).toBe(true);
    const values = run.values(id);
    expect(values.interval).toBeDefined();
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(dg.pipeline(id), ["sales_product_revenue"], values),
    );
    expect(r.materialized[0]?.metadata).toMatchObject({
      sl_data_interval_start: values.interval?.start,
      sl_data_interval_end: values.interval?.end,
    });
  });
});
