import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import { expectedArgv, type Recorded } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";

/**
 * The generated assets as Dagster users drive them, in real Dagster 1.13 with the recording
 * stand-in: `dagster asset materialize` of one asset and of an asset with its upstreams, and
 * Dagster's own backfill of a partitioned job; the definitions load without a warning.
 */
let dg: DagsterWorkspace;
beforeAll(async () => {
  dg = new DagsterWorkspace();
  await dg.setUp("examples/bakery");
}, 900_000);
afterAll(() => dg.tearDown());

/** Runs a command of the venv with the recorder's log in `record`; returns its output and records. */
function dagster(args: readonly string[], record: string) {
  rmSync(record, { force: true });
  const { DAGSTER_HOME: _, ...env } = process.env;
  const r = spawnSync(join(dg.venv, "bin", args[0] ?? ""), args.slice(1), {
    cwd: dg.work,
    env: { ...env, SLO_RECORD: record, PYTHONDONTWRITEBYTECODE: "1" },
    encoding: "utf8",
    maxBuffer: 1 << 26,
    timeout: 600_000,
  });
  const records = existsSync(record)
    ? readFileSync(record, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Recorded)
    : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, records };
}

/** The argv a pipeline's tasks run for the time window ending at `end`. */
const argvAt = (id: string, tasks: readonly string[], end: string) =>
  expectedArgv(dg.pipeline(id), tasks, runValues(dg.pipeline(id), new Date(end)));

describe("generated Dagster assets (real Dagster 1.13)", () => {
  it("load without a single warning", () => {
    const r = spawnSync(
      join(dg.venv, "bin/python"),
      ["-W", "always", resolve("tests/integration/dagster/load_defs.py"), dg.file],
      { cwd: dg.work, encoding: "utf8", timeout: 300_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SLO_RESULT \{"jobs": \d+\}/);
    expect(r.stderr).not.toMatch(/warn/i);
  }, 900_000);

  it("`dagster asset materialize` of one asset runs its pipeline's check, stage and load", () => {
    const r = dagster(
      ["dagster", "asset", "materialize", "-f", dg.file, "--select", "shop_orders"].concat([
        "--partition",
        "2024-03-05-00:15",
      ]),
      join(dg.work, "one.jsonl"),
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    // the hourly window from 00:15 to 01:15 in Paris: the scheduled date is its end
    expect(r.records.map((x) => x.argv)).toEqual(
      argvAt(
        "bakery_load_shop_hourly",
        ["check_shop_incoming_files", "stage_shop_hourly", "load_shop_orders"],
        "2024-03-05T00:15:00Z",
      ),
    );
  }, 900_000);

  it("materialises a transform on its own: the tables upstream of it in its pipeline stay", () => {
    const r = dagster(
      [
        "dagster",
        "asset",
        "materialize",
        "-f",
        dg.file,
        "--select",
        "insights_top_customers",
      ].concat(["--partition", "2024-03-05"]),
      join(dg.work, "alone.jsonl"),
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.records.map((x) => x.argv)).toEqual(
      argvAt("bakery_insights_with_deps", ["insights_top_customers"], "2024-03-06T01:00:00Z"),
    );
  }, 900_000);

  it("materialises an asset with its upstreams, each by its own pipeline, upstreams first", () => {
    const r = dagster(
      [
        "dagster",
        "asset",
        "materialize",
        "-f",
        dg.file,
        "--select",
        "+production_ingredient_usage",
      ].concat(["--partition", "2024-03-05"]),
      join(dg.work, "upstreams.jsonl"),
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const end = "2024-03-06T02:00:00Z";
    const batches = argvAt(
      "bakery_load_kitchen_batches",
      ["check_kitchen_pending_files", "load_kitchen_batches"],
      end,
    );
    const recipes = argvAt(
      "bakery_load_kitchen_recipes",
      ["check_kitchen_pending_files", "load_kitchen_recipes"],
      end,
    );
    const transform = argvAt(
      "bakery_production_ingredient_usage_all_inputs",
      ["production_ingredient_usage"],
      end,
    );
    const argv = r.records.map((x) => JSON.stringify(x.argv));
    expect([...argv].sort()).toEqual(
      [...batches, ...recipes, ...transform].map((a) => JSON.stringify(a)).sort(),
    );
    expect(argv.at(-1)).toBe(JSON.stringify(transform[0]));
    for (const [check, load] of [batches, recipes])
      expect(argv.indexOf(JSON.stringify(check))).toBeLessThan(argv.indexOf(JSON.stringify(load)));
  }, 900_000);

  it("runs Dagster's own backfill of a partitioned job, a window per partition", () => {
    const record = join(dg.work, "backfill.jsonl");
    const result = dg.python<{
      status: string;
      runs: Array<{ partition: string; status: string }>;
      materializations: Array<[string, string | null]>;
    }>(
      "tests/integration/dagster/backfill_job.py",
      [dg.file, "bakery_load_kitchen_batches", "2024-03-04,2024-03-05"],
      { SLO_RECORD: record },
    );
    expect(result.runs).toEqual([
      { partition: "2024-03-04", status: "SUCCESS" },
      { partition: "2024-03-05", status: "SUCCESS" },
    ]);
    // the job is an op job: its steps report the asset's materialisations, window by window
    expect(result.materializations).toEqual([
      ["kitchen_batches", "2024-03-04"],
      ["kitchen_batches", "2024-03-05"],
    ]);
    const records = readFileSync(record, "utf8")
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as Recorded).argv);
    const tasks = ["check_kitchen_pending_files", "load_kitchen_batches"];
    expect(records.map((a) => JSON.stringify(a)).sort()).toEqual(
      [
        ...argvAt("bakery_load_kitchen_batches", tasks, "2024-03-05T02:00:00Z"),
        ...argvAt("bakery_load_kitchen_batches", tasks, "2024-03-06T02:00:00Z"),
      ]
        .map((a) => JSON.stringify(a))
        .sort(),
    );
  }, 900_000);
});
