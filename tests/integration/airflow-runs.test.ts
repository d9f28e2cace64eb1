import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { type RunValues, starlakeArgv } from "../../src/starlake/command-line.js";
import { pythonEnv } from "../helpers/python-env.js";

/** `dag.test()` in real Airflow 3.3 on generated files, with a recording `starlake` stand-in. */
const recorder = resolve("tests/integration/bin/starlake-recorder");
const work = mkdtempSync(join(tmpdir(), "slo-airflow-runs-"));
const root = join(work, "root");
const dags = join(work, "dags");
const home = join(work, "airflow-home");
let venv = "";
let pipelines: readonly Pipeline[] = [];
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  venv = pythonEnv("airflow");
  mkdirSync(root, { recursive: true });
  mkdirSync(dags, { recursive: true });
  ({ pipelines } = await planProject("examples/bakery", {
    vars: { SL_ROOT: root },
    env: { SL_STARLAKE_PATH: recorder, retry_delay: "1" },
  }));
  for (const f of airflow.render(pipelines, { source: "bakery" }))
    writeFileSync(join(dags, f.path), f.content);
  execFileSync(join(venv, "bin/airflow"), ["db", "migrate"], {
    env: airflowEnv(),
    stdio: "ignore",
    timeout: 300_000,
  });
}, 900_000);

function airflowEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    ...extra,
  };
}

interface Record_ {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}
let runs = 0;

function runDag(dagId: string, logicalDate: string, exits: Record<string, number> = {}) {
  const n = ++runs;
  const record = join(work, `record-${n}.jsonl`);
  const out = join(work, `run-${n}.json`);
  execFileSync(
    join(venv, "bin/python"),
    ["tests/integration/airflow/run_dag.py", dags, dagId, logicalDate, out],
    {
      env: airflowEnv({ SLO_RECORD: record, SLO_FAKE_EXITS: JSON.stringify(exits) }),
      stdio: "ignore",
      timeout: 300_000,
    },
  );
  const result = JSON.parse(readFileSync(out, "utf8")) as {
    state: string;
    tasks: Record<string, string>;
  };
  const records: Record_[] = existsSync(record)
    ? readFileSync(record, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
  return { ...result, records };
}

const pipeline = (id: string) => pipelines.find((p) => p.id === id) as Pipeline;

/** The argv the IR says each task runs with (same function the engine uses). */
function expectedArgv(p: Pipeline, taskIds: readonly string[], run: RunValues): string[][] {
  return taskIds.map((id) =>
    starlakeArgv(
      p.tasks.find((t) => t.id === id) as Pipeline["tasks"][number],
      p.environment.env,
      run,
    ),
  );
}

const PARIS_RUN = { scheduledDate: "2024-03-05T02:00:00+0100" };

describe("generated DAGs run in real Airflow 3.3 (dag.test)", () => {
  it("imported, files present: check, stage and load run with the IR's argv, env and cwd", () => {
    const p = pipeline("bakery_load_shop_daily");
    const r = runDag(p.id, "2024-03-05T01:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(
        p,
        ["check_shop_incoming_files", "stage_shop_daily", "load_shop_order_lines"],
        PARIS_RUN,
      ),
    );
    for (const x of r.records) {
      expect(x.cwd).toBe(root);
      expect(x.env).toMatchObject(p.environment.env);
    }
    expect(Object.values(r.tasks).every((s) => s === "success")).toBe(true);
  });

  it("imported, nothing to load: loads and stage skipped, the run succeeds", () => {
    const r = runDag("bakery_load_shop_daily", "2024-03-05T01:00:00+00:00", { preload: 1 });
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
    const r = runDag("bakery_load_shop_daily", "2024-03-05T01:00:00+00:00", { preload: 3 });
    expect(r.state).toBe("failed");
    expect(r.records.every((x) => x.argv[0] === "preload")).toBe(true);
    expect(r.tasks.check_shop_incoming_files).toBe("failed");
  });

  it("a failing load is retried as configured, then fails the run", () => {
    // kitchen's dag config sets no retry delay, so the environment's 1 s applies (not 300 s)
    const p = pipeline("bakery_load_kitchen_batches");
    expect(p.defaults).toMatchObject({ retries: 1, retryDelay: 1 });
    const r = runDag(p.id, "2024-03-05T02:00:00+00:00", { load: 2 });
    expect(r.state).toBe("failed");
    expect(r.tasks.load_kitchen_batches).toBe("failed");
    expect(r.records.map((x) => x.argv[0])).toEqual(["preload", "load", "load"]);
  });

  it.each([
    [
      "pending",
      "bakery_load_kitchen_batches",
      "check_kitchen_pending_files",
      "load_kitchen_batches",
    ],
    ["ack", "bakery_load_supply_on_ack", "check_supply_ack_file", "load_supply_deliveries"],
  ])(
    "%s: files present runs the load, nothing to load skips it",
    (_strategy, dagId, check, load) => {
      const p = pipeline(dagId);
      const cron = p.schedule.kind === "cron" ? p.schedule.cron : "";
      const logical =
        cron === "30 5 * * 1-5" ? "2024-03-05T05:30:00+00:00" : "2024-03-05T02:00:00+00:00";
      const scheduledDate = `${logical.slice(0, 19)}+0000`;
      const ready = runDag(dagId, logical);
      expect(ready.state).toBe("success");
      expect(ready.records.map((x) => x.argv)).toEqual(
        expectedArgv(p, [check, load], { scheduledDate }),
      );
      const empty = runDag(dagId, logical, { preload: 1 });
      expect(empty.state).toBe("success");
      expect(empty.tasks[load]).toBe("skipped");
      expect(empty.records).toHaveLength(1);
    },
  );

  it("a cron transform gets its scheduled date and data interval", () => {
    const p = pipeline("bakery_sales_daily_sales");
    const r = runDag(p.id, "2024-03-05T02:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(p, ["sales_daily_sales"], {
        scheduledDate: "2024-03-05T02:00:00+0000",
        interval: { start: "2024-03-04T02:00:00+0000", end: "2024-03-05T02:00:00+0000" },
      }),
    );
  });
});
