import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { runValues } from "../../src/engine/run-values.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { AirflowWorkspace, expectedArgv, RECORDER, type Recorded } from "../helpers/airflow.js";
import { runCli } from "../helpers/cli.js";
import { DagsterWorkspace } from "../helpers/dagster.js";

/**
 * Issue 17: files generated on one machine run on another, where the project lives elsewhere.
 * `slo generate` runs on a copy of the bakery example ("machine A"); the files and the project
 * are then copied into the Airflow and Dagster workspaces ("the workers") and machine A's folder
 * is deleted. Real Airflow 3.3 (dag.test) and Dagster 1.13 (in process) run them with the
 * recording stand-in as the workers' Starlake (their SL_STARLAKE_PATH).
 */
const DATE = "2024-03-05T02:00:00Z";
/** A pre-load sensor with an ack file and loads that return files; a transform with an interval. */
const PIPELINES = ["bakery_load_supply_on_ack", "bakery_sales_daily_sales"];

const machine = mkdtempSync(join(tmpdir(), "slo-machine-a-"));
const origin = join(machine, "checkout", "bakery");
/** Paths of the generating machine that no generated file may hold. */
const machinePaths = [machine, origin, resolve(".")];

/** `slo generate` on machine A, with no SL_ROOT exported (the test runner's must not leak in). */
async function generate(args: readonly string[]): Promise<{ stderr: string; files: string[] }> {
  const saved = process.env.SL_ROOT;
  delete process.env.SL_ROOT;
  try {
    const out = join(machine, `out-${args.join("-").replace(/[^a-z]/g, "")}`);
    const r = await runCli(["generate", origin, "--out", out, ...args]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith(".py"));
    for (const f of files) {
      const text = readFileSync(join(out, f), "utf8");
      for (const m of machinePaths) expect(text, `${f} holds ${m}`).not.toContain(m);
    }
    return { stderr: r.stderr, files: files.map((f) => join(out, f)) };
  } finally {
    if (saved !== undefined) process.env.SL_ROOT = saved;
  }
}

/** The command lines a run of `p` at DATE must make. */
function expected(p: Pipeline): string[] {
  const ids = p.tasks.filter((t) => t.command !== undefined).map((t) => t.id);
  return expectedArgv(p, ids, runValues(p, new Date(DATE)))
    .map((a) => JSON.stringify(a))
    .sort();
}

/** Every command ran in `root`, was told SL_ROOT=`root`, and nothing named machine A. */
function expectRanAt(records: readonly Recorded[], p: Pipeline, root: string): void {
  expect(records.map((r) => JSON.stringify(r.argv)).sort(), p.id).toEqual(expected(p));
  for (const r of records) {
    expect(realpathSync(r.cwd), p.id).toBe(realpathSync(root));
    expect(r.env.SL_ROOT, p.id).toBe(root);
    for (const m of machinePaths) expect(JSON.stringify(r.argv), p.id).not.toContain(m);
  }
}

/** The pipelines as a generate on the worker itself would plan them. */
async function plannedAt(root: string): Promise<readonly Pipeline[]> {
  const plan = await planProject(root, { vars: { SL_ROOT: root }, env: {} });
  return plan.pipelines.filter((p) => PIPELINES.includes(p.id));
}

describe("generated files run from another folder than the one they were generated in", () => {
  const af = new AirflowWorkspace();
  const dg = new DagsterWorkspace();
  let airflowFiles: string[] = [];
  let dagsterRelative = "";
  let dagsterAbsolute = "";
  let stderr: string[] = [];

  beforeAll(async () => {
    cpSync("examples/bakery", origin, { recursive: true });
    // the workers' layouts: dags/ beside root/ (Airflow), definitions.py above root/ (Dagster)
    const airflow = await generate(["--orchestrator", "airflow", "--sl-root-relative", "../root"]);
    const relative = await generate(["--orchestrator", "dagster", "--sl-root-relative", "root"]);
    const absolute = await generate([
      "--orchestrator",
      "dagster",
      "--var",
      "SL_ROOT=/nonexistent/srv/bakery",
    ]);
    stderr = [airflow.stderr, relative.stderr, absolute.stderr];
    airflowFiles = airflow.files;
    dagsterRelative = readFileSync(relative.files[0] as string, "utf8");
    dagsterAbsolute = readFileSync(absolute.files[0] as string, "utf8");
    cpSync(origin, af.root, { recursive: true });
    cpSync(origin, dg.root, { recursive: true });
    af.setUpFiles(join(airflowFiles[0] as string, ".."));
    rmSync(machine, { recursive: true, force: true });
  }, 900_000);

  afterAll(() => {
    af.tearDown();
    dg.tearDown();
    rmSync(machine, { recursive: true, force: true });
  });

  it("generate says nothing about paths when told where the project lives", () => {
    expect(airflowFiles.length).toBeGreaterThan(PIPELINES.length);
    expect(stderr).toEqual(["", "", ""]);
  });

  it("Airflow: dag.test() runs every command in the project's new folder", async () => {
    const pipelines = await plannedAt(af.root);
    expect(pipelines.map((p) => p.id).sort()).toEqual([...PIPELINES].sort());
    for (const p of pipelines) {
      const run = af.runDag(p.id, DATE.replace("Z", "+00:00"), {}, { SL_STARLAKE_PATH: RECORDER });
      expect(run.state, `${p.id}: ${run.output.slice(-2000)}`).toBe("success");
      expectRanAt(run.records, p, af.root);
    }
  }, 900_000);

  it("Airflow: a worker's own SL_ROOT wins over the files' default", async () => {
    const other = join(af.work, "elsewhere", "bakery");
    cpSync(af.root, other, { recursive: true });
    const [p] = (await plannedAt(other)).filter((x) => x.id === "bakery_sales_daily_sales");
    const run = af.runDag(
      "bakery_sales_daily_sales",
      DATE.replace("Z", "+00:00"),
      {},
      { SL_STARLAKE_PATH: RECORDER, SL_ROOT: other },
    );
    expect(run.state).toBe("success");
    expectRanAt(run.records, p as Pipeline, other);
  }, 900_000);

  it("Dagster: jobs run in the folder beside the module, or the worker's SL_ROOT", async () => {
    const pipelines = await plannedAt(dg.root);
    for (const [module, env] of [
      [dagsterRelative, {}],
      [dagsterAbsolute, { SL_ROOT: dg.root }],
    ] as const) {
      dg.writeModule(module);
      for (const p of pipelines) {
        const run = dg.runJob(
          p.id,
          { sl_scheduled_date: DATE.replace("Z", "+0000") },
          {},
          { SL_STARLAKE_PATH: RECORDER, ...env },
        );
        expect(run.success, p.id).toBe(true);
        expectRanAt(run.records, p, dg.root);
      }
    }
  }, 900_000);
});
