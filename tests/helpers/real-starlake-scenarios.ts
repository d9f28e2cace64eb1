import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { expectedArgv, type Recorded } from "./airflow.js";
import { freshCopy, requiredStarlake, tableCounts } from "./real-starlake.js";

/**
 * The real-Starlake scenarios, one list for the three runners (engine, generated Airflow DAGs,
 * generated Dagster definitions). Each scenario runs in a fresh copy of an example, one pipeline
 * after the other; every Starlake command goes through the recording stand-in in pass-through
 * mode (SLO_DELEGATE), so the test sees the very command lines the real CLI executed and checks
 * them against the plan's (the argv the conformance suite records with the stand-in alone). The
 * tables and row counts are read back from the copy's DuckDB file, opened read-only.
 */

/** The moment every runner runs at (the engine's date, Airflow's logical date, Dagster's tag). */
export const DATE = "2024-03-05T02:00:00Z";

/** What one runner gives back for one pipeline run. */
export interface PipelineRun {
  readonly succeeded: boolean;
  /** The Starlake command lines executed, in order, as the pass-through recorder saw them. */
  readonly records: readonly Recorded[];
  /** What the runner shows as the task's log: `slo logs`, Airflow's task log, Dagster's compute logs. */
  readonly log: (task: string) => string;
}

/** A runner under test: plans a copy with some variables, then runs its pipelines one by one. */
export interface ScenarioRunner {
  /** Plans the copy and gets the runner ready; the planned pipelines. */
  setUp(copy: string, vars: Readonly<Record<string, string>>): Promise<readonly Pipeline[]>;
  run(pipeline: string): Promise<PipelineRun>;
  tearDown(): void;
}

/** One run of one pipeline in a scenario, and what it must show. */
interface Step {
  readonly pipeline: string;
  readonly succeeds: boolean;
  /** The tasks whose commands run (each once); all the pipeline's command tasks when absent. */
  readonly ran?: readonly string[];
  /** A task whose log must hold this text (Starlake's own message). */
  readonly logOf?: { readonly task: string; readonly holds: string };
}

/** A phase: files changed in the copy, then runs, then the tables. */
interface Phase {
  readonly name: string;
  readonly prepare?: (copy: string) => void;
  readonly steps: readonly Step[];
  /** The data tables (Starlake's audit tables left out) and their rows after the phase. */
  readonly tables: Readonly<Record<string, number>>;
  /** Files that must be in these folders of the copy (relative to it) after the phase. */
  readonly files?: Readonly<Record<string, readonly string[]>>;
}

export interface Scenario {
  readonly name: string;
  readonly example: "minimal" | "bakery";
  readonly db: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly phases: readonly Phase[];
}

const succeed = (...ids: string[]): Step[] => ids.map((pipeline) => ({ pipeline, succeeds: true }));

const MINIMAL: Scenario = {
  name: "minimal: every pipeline",
  example: "minimal",
  db: "datasets/minimal.duckdb",
  vars: {},
  phases: [
    {
      name: "the loads, then the transforms",
      steps: succeed("minimal_load", "minimal_plant_count", "minimal_thirsty_plants"),
      tables: {
        "garden.plants": 2,
        "garden.waterings": 1,
        "report.plant_count": 2,
        "report.thirsty_plants": 2,
      },
    },
  ],
};

const BAKERY_TABLES = {
  "insights.margin_by_product": 3,
  "insights.top_customers": 3,
  "kitchen.batches": 3,
  "kitchen.ingredients": 3,
  "kitchen.recipes": 6,
  "production.batch_cost": 6,
  "production.ingredient_usage": 6,
  "production.stock_cover": 3,
  "sales.customer_value": 3,
  "sales.daily_sales": 1,
  "sales.product_revenue": 3,
  "shop.customers": 3,
  "shop.order_lines": 6,
  "shop.orders": 4,
  "supply.deliveries": 3,
};

const DELIVERY = (id: string, kg: number) =>
  `${JSON.stringify({ delivery_id: id, ingredient_id: "I1", kg, delivered_on: "2024-03-05", supplier: "Moulin du Pont" })}\n`;
const SUPPLY_FILE = "deliveries_20240305.json";
const ACK = "datasets/pending/supply/ready.ack";
/** Where Starlake moves a file while it loads it, and leaves it when the load fails. */
const INGESTING = "datasets/ingesting/supply";

const BAKERY: Scenario = {
  name: "bakery: every pipeline, then pre-load and failures",
  example: "bakery",
  db: "datasets/duckdb.db",
  // the ack check looks once instead of waiting ten minutes for a file that will not come, and a
  // failed load of the supplier's file is tried again 2 s later, not 5 min
  vars: { supplier_ack_wait: "0", supplier_retry_delay: "2" },
  phases: [
    {
      name: "files waiting: every pipeline, loads first, transforms after their inputs",
      steps: succeed(
        "bakery_load_shop_daily",
        "bakery_load_shop_hourly",
        "bakery_load_shop_customers_plain",
        "bakery_load_kitchen_batches",
        "bakery_load_kitchen_ingredients",
        "bakery_load_kitchen_recipes",
        "bakery_load_supply_on_ack",
        "bakery_production_ingredient_usage_all_inputs",
        "bakery_production_batch_cost_all_inputs",
        "bakery_production_stock_cover_all_inputs",
        "bakery_sales_product_revenue",
        "bakery_sales_customer_value",
        "bakery_sales_daily_sales",
        "bakery_insights_with_deps",
      ),
      tables: BAKERY_TABLES,
      // staged from the landing area, then loaded and archived; Starlake deleted the ack file
      files: {
        "datasets/incoming/shop": [],
        "datasets/stage/shop": [],
        "datasets/pending/supply": [],
      },
    },
    {
      name: "nothing waiting: the check finds nothing, the loads are skipped, the run succeeds",
      steps: [
        { pipeline: "bakery_load_shop_daily", succeeds: true, ran: ["check_shop_incoming_files"] },
      ],
      // order lines are appended: a second load would have doubled them
      tables: BAKERY_TABLES,
    },
    {
      name: "ack: a file waits but its ack file does not, so nothing is loaded",
      prepare: (copy) =>
        writeFileSync(join(copy, "datasets/stage/supply", SUPPLY_FILE), DELIVERY("D9", 7)),
      steps: [
        { pipeline: "bakery_load_supply_on_ack", succeeds: true, ran: ["check_supply_ack_file"] },
      ],
      tables: BAKERY_TABLES,
      files: { "datasets/stage/supply": [SUPPLY_FILE] },
    },
    {
      name: "ack file there, the file malformed: Starlake rejects it twice and the run fails",
      prepare: (copy) => {
        writeFileSync(join(copy, "datasets/stage/supply", SUPPLY_FILE), "{ not json\n}{\n");
        writeFileSync(join(copy, ACK), "");
      },
      steps: [
        {
          pipeline: "bakery_load_supply_on_ack",
          succeeds: false,
          // the retry loads the file again (the runner returns it from Starlake's ingesting
          // area), so it fails again instead of finding nothing and succeeding
          ran: ["check_supply_ack_file", "load_supply_deliveries", "load_supply_deliveries"],
          logOf: { task: "load_supply_deliveries", holds: "Some tables failed to be loaded" },
        },
      ],
      tables: BAKERY_TABLES,
      files: { [INGESTING]: [SUPPLY_FILE], "datasets/stage/supply": [] },
    },
    {
      name: "the file mended where the failed load left it: the next run loads it",
      prepare: (copy) => {
        writeFileSync(join(copy, INGESTING, SUPPLY_FILE), DELIVERY("D9", 7));
        writeFileSync(join(copy, ACK), "");
      },
      steps: succeed("bakery_load_supply_on_ack"),
      tables: { ...BAKERY_TABLES, "supply.deliveries": BAKERY_TABLES["supply.deliveries"] + 1 },
      files: { [INGESTING]: [], "datasets/stage/supply": [] },
    },
  ],
};

export const SCENARIOS: readonly Scenario[] = [MINIMAL, BAKERY];

/**
 * Every scenario through one runner: a describe per scenario, an `it` per phase (in order, on
 * the same copy).
 */
export function describeScenarios(runnerName: string, makeRunner: () => ScenarioRunner): void {
  const starlake = requiredStarlake();
  for (const scenario of SCENARIOS) {
    describe(`${runnerName}, real Starlake: ${scenario.name}`, () => {
      let copy: string;
      let runner: ScenarioRunner;
      let pipelines: readonly Pipeline[];
      beforeAll(async () => {
        copy = freshCopy(scenario.example);
        runner = makeRunner();
        pipelines = await runner.setUp(copy, scenario.vars);
      }, 900_000);
      afterAll(() => {
        runner?.tearDown();
        if (copy) rmSync(dirname(copy), { recursive: true, force: true });
      });

      it("plans every pipeline the scenario runs", () => {
        const ids = new Set(pipelines.map((p) => p.id));
        for (const phase of scenario.phases)
          for (const s of phase.steps) expect(ids.has(s.pipeline), s.pipeline).toBe(true);
        if (scenario.phases[0]?.steps.every((s) => s.ran === undefined))
          expect([...ids].sort()).toEqual(scenario.phases[0].steps.map((s) => s.pipeline).sort());
        expect(starlake).toBeTruthy();
      });

      for (const phase of scenario.phases)
        it(phase.name, async () => {
          phase.prepare?.(copy);
          for (const step of phase.steps) {
            const p = pipelines.find((x) => x.id === step.pipeline) as Pipeline;
            const run = await runner.run(step.pipeline);
            const said = `${step.pipeline}: ${run.records.map((r) => r.argv.join(" ")).join(" | ")}`;
            expect(run.succeeded, said).toBe(step.succeeds);
            const tasks =
              step.ran ?? p.tasks.filter((t) => t.command !== undefined).map((t) => t.id);
            const sorted = (argvs: readonly (readonly string[])[]) =>
              argvs.map((a) => JSON.stringify(a)).sort();
            expect(sorted(run.records.map((r) => r.argv)), said).toEqual(
              sorted(expectedArgv(p, tasks, runValues(p, new Date(DATE)))),
            );
            if (step.logOf) expect(run.log(step.logOf.task)).toContain(step.logOf.holds);
          }
          expect(tableCounts(join(copy, scenario.db))).toEqual(phase.tables);
          for (const [folder, names] of Object.entries(phase.files ?? {})) {
            const at = join(copy, folder);
            expect(existsSync(at) ? readdirSync(at).sort() : [], folder).toEqual([...names]);
          }
        }, 3_000_000);
    });
  }
}
