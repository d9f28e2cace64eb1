import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowWorkspace, expectedArgv } from "../helpers/airflow.js";

/** `dag.test()` in real Airflow 3.3 on generated files, with a recording `starlake` stand-in. */
let af: AirflowWorkspace;
beforeAll(async () => {
  af = new AirflowWorkspace();
  // retry_delay from the environment applies where a dag config sets none (kitchen): 1 s, not 300 s;
  // the load on ack waits 3 s for its ack file, checking every second
  await af.setUp(
    "examples/bakery",
    { retry_delay: "1", pre_load_poke_interval: "1" },
    { supplier_ack_wait: "3" },
  );
}, 900_000);
afterAll(() => af.tearDown());

const PARIS_RUN = { scheduledDate: "2024-03-05T02:00:00+0100" };

describe("generated DAGs run in real Airflow 3.3 (dag.test)", () => {
  it("imported, files present: check, stage and load run with the IR's argv, env and cwd", () => {
    const p = af.pipeline("bakery_load_shop_daily");
    const r = af.runDag(p.id, "2024-03-05T01:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        p,
        ["check_shop_incoming_files", "stage_shop_daily", "load_shop_order_lines"],
        PARIS_RUN,
      ),
    );
    for (const x of r.records) {
      expect(x.cwd).toBe(af.root);
      expect(x.env).toMatchObject(p.environment.env);
    }
    expect(Object.values(r.tasks).every((s) => s === "success")).toBe(true);
  });

  it("imported, nothing to load: loads and stage skipped, the run succeeds", () => {
    const r = af.runDag("bakery_load_shop_daily", "2024-03-05T01:00:00+00:00", { preload: 1 });
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload"]);
    expect(r.tasks).toMatchObject({
      check_shop_incoming_files: "success",
      stage_shop_daily: "skipped",
      load_shop_order_lines: "skipped",
      end: "skipped",
    });
  });

  it("a real error of the check fails the run and runs no load", () => {
    const r = af.runDag("bakery_load_shop_daily", "2024-03-05T01:00:00+00:00", { preload: 3 });
    expect(r.state).toBe("failed");
    expect(r.records.every((x) => x.argv[0] === "preload")).toBe(true);
    expect(r.tasks.check_shop_incoming_files).toBe("failed");
  });

  it("a failing load is retried as configured, then fails the run", () => {
    const p = af.pipeline("bakery_load_kitchen_batches");
    expect(p.defaults).toMatchObject({ retries: 1, retryDelay: 1 });
    const r = af.runDag(p.id, "2024-03-05T02:00:00+00:00", { load: 2 });
    expect(r.state).toBe("failed");
    expect(r.tasks.load_kitchen_batches).toBe("failed");
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload", "load", "load"]);
  });

  it("pending: files present runs the load, nothing to load skips it", () => {
    const [dagId, logical] = ["bakery_load_kitchen_batches", "2024-03-05T02:00:00+00:00"];
    const ready = af.runDag(dagId, logical);
    expect(ready.state).toBe("success");
    expect(ready.records.map((x) => x.argv)).toEqual(
      expectedArgv(af.pipeline(dagId), ["check_kitchen_pending_files", "load_kitchen_batches"], {
        scheduledDate: "2024-03-05T02:00:00+0000",
      }),
    );
    const empty = af.runDag(dagId, logical, { preload: 1 });
    expect(empty.state).toBe("success");
    expect(empty.tasks.load_kitchen_batches).toBe("skipped");
    expect(empty.records).toHaveLength(1);
  });

  it("ack: waits for the ack file, then loads; never there, the loads are skipped after the wait", () => {
    const [dagId, logical] = ["bakery_load_supply_on_ack", "2024-03-05T05:30:00+00:00"];
    const p = af.pipeline(dagId);
    expect(p.tasks.find((t) => t.kind === "preload")?.gate?.sensor).toEqual({
      pokeInterval: 1,
      timeout: 3,
      softFail: true,
    });
    const late = af.runDag(dagId, logical, { preload: [1, 1, 0] });
    expect(late.state).toBe("success");
    expect(late.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        p,
        [
          "check_supply_ack_file",
          "check_supply_ack_file",
          "check_supply_ack_file",
          "load_supply_deliveries",
        ],
        { scheduledDate: "2024-03-05T05:30:00+0000" },
      ),
    );
    const never = af.runDag(dagId, logical, { preload: 1 });
    expect(never.state).toBe("success");
    expect(never.tasks).toMatchObject({
      check_supply_ack_file: "skipped",
      load_supply_deliveries: "skipped",
    });
    expect(never.records.length).toBeGreaterThanOrEqual(3);
    expect(never.records.every((x) => x.argv[0] === "preload")).toBe(true);
  });

  it("a cron transform gets its scheduled date and data interval", () => {
    const p = af.pipeline("bakery_sales_daily_sales");
    const r = af.runDag(p.id, "2024-03-05T02:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(p, ["sales_daily_sales"], {
        scheduledDate: "2024-03-05T02:00:00+0000",
        interval: { start: "2024-03-04T02:00:00+0000", end: "2024-03-05T02:00:00+0000" },
      }),
    );
  });
});
