import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore, type TaskRow } from "../../src/engine/state-store.js";
import { NOTHING_TO_LOAD } from "../../src/engine/task-outcome.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { freshCopy, requiredStarlake, tableCounts } from "../helpers/real-starlake.js";

/**
 * The examples through the embedded engine with the real Starlake CLI, each in a fresh copy: the
 * tables and their row counts are read back from the copy's DuckDB file, opened read-only. Every
 * command starts a JVM (5 to 26 s), so the bakery runs the pipelines of its shop and sales
 * domains (pre-load imported with stage, a load without check, transforms on what they loaded),
 * not all fourteen; the recorded command lines of every pipeline are the conformance suite's.
 */
const starlake = requiredStarlake();
const DATE = "2024-03-05T02:00:00Z";

interface Ran {
  readonly states: string[];
  readonly tasks: TaskRow[];
}

async function run(project: string, ids?: readonly string[]): Promise<Ran> {
  const plan = await planProject(project, { env: {} });
  expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const chosen = plan.pipelines
    .filter((p) => ids === undefined || ids.includes(p.id))
    // no command runs for ever: a JVM that hangs fails its task
    .map((p): Pipeline => ({ ...p, defaults: { ...p.defaults, retries: 0, timeout: 600 } }));
  expect(chosen.map((p) => p.id).sort()).toEqual([...(ids ?? chosen.map((p) => p.id))].sort());
  const store = new StateStore(join(dirname(project), "state.db"));
  try {
    const outcomes = await runPipelines(
      store,
      { pipelines: chosen, date: new Date(DATE) },
      {
        ...(starlake !== undefined ? { starlake } : {}),
        baseEnv: process.env,
        logsDir: join(dirname(project), "logs"),
        slots: new Slots(2),
      },
    );
    return {
      states: outcomes.map((o) => `${o.pipeline}:${o.state}`),
      tasks: outcomes.flatMap((o) => store.tasks(o.runId)),
    };
  } finally {
    store.close();
  }
}

const stateOf = (ran: Ran, task: string) =>
  ran.tasks.filter((t) => t.taskId === task).map((t) => t.state);

describe("real Starlake on the engine", () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const c of copies) rmSync(dirname(c), { recursive: true, force: true });
  });

  it("minimal: every pipeline, the tables and their rows", async () => {
    const copy = freshCopy("minimal");
    copies.push(copy);
    const ran = await run(copy);
    expect(ran.states).toEqual([
      "minimal_load:success",
      "minimal_plant_count:success",
      "minimal_thirsty_plants:success",
    ]);
    expect(tableCounts(join(copy, "datasets", "minimal.duckdb"))).toEqual({
      "garden.plants": 2,
      "garden.waterings": 1,
      "report.plant_count": 2,
      "report.thirsty_plants": 2,
    });
    expect(existsSync(join("examples", "minimal", "datasets", "minimal.duckdb"))).toBe(false);
  }, 2_400_000);

  describe("bakery: shop and sales", () => {
    let copy: string;
    beforeAll(() => {
      copy = freshCopy("bakery");
      copies.push(copy);
    });

    it("files waiting: staged and loaded, then transformed", async () => {
      const ran = await run(copy, [
        "bakery_load_shop_daily",
        "bakery_load_shop_hourly",
        "bakery_load_shop_customers_plain",
        "bakery_sales_product_revenue",
        "bakery_sales_customer_value",
      ]);
      expect(
        ran.states.every((s) => s.endsWith(":success")),
        ran.states.join(" "),
      ).toBe(true);
      expect(stateOf(ran, "stage_shop_daily")).toEqual(["success"]);
      expect(stateOf(ran, "stage_shop_hourly")).toEqual(["success"]);
      expect(readdirSync(join(copy, "datasets", "incoming", "shop"))).toEqual([]);
      expect(tableCounts(join(copy, "datasets", "duckdb.db"))).toEqual({
        "sales.customer_value": 3,
        "sales.product_revenue": 3,
        "shop.customers": 3,
        "shop.order_lines": 6,
        "shop.orders": 4,
      });
    }, 2_400_000);

    it("nothing waiting: the loads are skipped and the run succeeds", async () => {
      const ran = await run(copy, ["bakery_load_shop_daily"]);
      expect(ran.states).toEqual(["bakery_load_shop_daily:success"]);
      // Starlake's preload exits 1: the check succeeds, saying there is nothing to load
      const check = ran.tasks.filter((t) => t.taskId === "check_shop_incoming_files");
      expect(check.map((t) => [t.state, t.note])).toEqual([["success", NOTHING_TO_LOAD]]);
      expect(stateOf(ran, "stage_shop_daily")).toEqual(["skipped"]);
      expect(stateOf(ran, "load_shop_order_lines")).toEqual(["skipped"]);
      // order lines are appended: a second load would have doubled them
      expect(tableCounts(join(copy, "datasets", "duckdb.db"))["shop.order_lines"]).toBe(6);
    }, 2_400_000);
  });
});
