import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { dagster } from "../../src/backends/dagster/dagster-orchestrator.js";
import { periodValues } from "../../src/cli/period-text.js";
import { runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { parseRunDate, type RunDate, runPeriod } from "../../src/pipeline/run-period.js";
import { airflowDate, dagsterDateTags } from "../../src/remote/date-request.js";
import { expectedArgv, RECORDER, type Recorded } from "../helpers/airflow.js";
import { testPipeline } from "../helpers/engine.js";
import { pythonEnv } from "../helpers/python-env.js";

/**
 * Issue 19: for each (cron, time zone, date) the engine, a generated Airflow DAG and a generated
 * Dagster job give Starlake the same --scheduledDate and data interval, and they are the ones of
 * the documented rule (docs/dates.md). Each runner gets the date as slo gives it: the engine per
 * pipeline (slo run), Airflow a logical date and conf (slo trigger), Dagster tags (slo trigger).
 * One Airflow process and one Dagster process run every case.
 */
const CASES: ReadonlyArray<readonly [cron: string, timezone: string, date: string]> = [
  ["0 2 * * *", "Europe/Paris", "2024-01-01"], // the case
  ["15 * * * *", "Europe/Paris", "2024-01-01"], // hourly: the day's last tick
  ["0 6 * * 1", "UTC", "2024-01-03"], // weekly, a day without a tick
  ["0 6 * * 1", "America/New_York", "2024-01-01"], // weekly, on its day
  ["0 3 * * *", "Europe/Paris", "2024-03-31"], // spring forward: a 23-hour interval
  ["0 3 * * *", "Europe/Paris", "2024-10-27"], // fall back: a 25-hour interval
  ["0 0 * * *", "Asia/Kolkata", "2024-01-01"], // a half-hour offset, midnight
  ["0 23 * * *", "America/New_York", "2024-01-01"], // a tick on the next UTC day
  ["0 2 * * *", "Europe/Paris", "2024-01-01T00:00:00Z"], // an instant between two ticks
  ["0 * * * *", "UTC", "2024-01-01T05:00:00Z"], // an instant on a tick
  ["30 6 * * *", "Australia/Sydney", "2024-04-07"], // southern fall back
  ["0 2 * * *", "America/New_York", "2024-03-10"], // 02:00 does not exist that day
];

/**
 * A tick whose wall-clock time happens twice (the hour a clock goes back) is where the runners'
 * cron libraries differ (docs/dates.md, "Known difference"): kept apart, its values pinned.
 */
const TWICE = ["30 1 * * *", "America/New_York", "2024-11-03"] as const;

const work = mkdtempSync(join(tmpdir(), "slo-dates-"));
const root = join(work, "root");
const dags = join(work, "dags");
const defs = join(work, "defs.py");

interface Case {
  readonly n: number;
  readonly pipeline: Pipeline;
  readonly date: RunDate;
  readonly say: string;
}

/** A load then a transform, on the case's cron and zone, run by the recording starlake. */
function casePipeline(n: number, cron: string, timezone: string): Pipeline {
  const base = testPipeline({
    id: `dates_${n}`,
    root,
    tasks: [
      { id: "load_t", kind: "load", scheduledDate: true, produces: `d${n}_loaded` },
      {
        id: "transform_t",
        kind: "transform",
        scheduledDate: true,
        dataInterval: true,
        produces: `d${n}_built`,
        command: ["transform", "--name", `d${n}.built`],
      },
    ],
    edges: [["load_t", "transform_t"]],
  });
  return {
    ...base,
    kind: "transform",
    schedule: { kind: "cron", cron, timezone },
    dataCron: cron,
    timezone,
    environment: { ...base.environment, settings: { slRoot: root, starlakePath: RECORDER } },
  };
}

const cases: Case[] = [...CASES, TWICE].map(([cron, tz, text], n) => ({
  n,
  pipeline: casePipeline(n, cron, tz),
  date: parseRunDate(text) as RunDate,
  say: `case ${n}: ${cron} in ${tz}, --date ${text}`,
}));

const records = (file: string): Recorded[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Recorded)
    : [];

const agreeing = cases.slice(0, CASES.length);
const twice = cases[CASES.length] as Case;
const scheduledOf = (file: string) => records(join(work, file))[0]?.argv[2];

/** What the rule says Starlake gets, task by task. */
const wanted = (c: Case) =>
  expectedArgv(c.pipeline, ["load_t", "transform_t"], periodValues(c.pipeline, c.date));

let airflowOut: { import_errors: Record<string, string>; runs: Record<string, { state: string }> };
let dagsterOut: Record<string, { error: string | null; jobs: Record<string, boolean> }>;
const engineStates: string[] = [];

beforeAll(async () => {
  for (const dir of [root, dags]) mkdirSync(dir, { recursive: true });
  const pipelines = cases.map((c) => c.pipeline);
  for (const f of airflow.render(pipelines, { source: "dates" }))
    writeFileSync(join(dags, f.path), f.content);
  writeFileSync(defs, dagster.render(pipelines, { source: "dates" })[0]?.content ?? "");
  for (const c of cases) {
    const store = new StateStore(join(work, `engine-${c.n}.db`));
    try {
      const scheduled = runPeriod(c.pipeline.dataCron, c.pipeline.timezone, c.date).scheduled;
      const [outcome] = await runPipelines(
        store,
        { pipelines: [c.pipeline], dates: new Map([[c.pipeline.id, scheduled]]) },
        {
          baseEnv: { PATH: process.env.PATH, SLO_RECORD: join(work, `engine-${c.n}.jsonl`) },
          logsDir: join(work, "engine-logs"),
          slots: new Slots(2, new Map()),
        },
      );
      engineStates.push(outcome?.state ?? "none");
    } finally {
      store.close();
    }
  }
  const afVenv = pythonEnv("airflow");
  const afEnv = {
    ...process.env,
    AIRFLOW_HOME: join(work, "airflow-home"),
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
  };
  execFileSync(join(afVenv, "bin/airflow"), ["db", "migrate"], {
    env: afEnv,
    stdio: "ignore",
    timeout: 300_000,
  });
  const afPlan = cases.map((c) => {
    const { logicalDate, conf } = airflowDate(c.date);
    return {
      dag_id: c.pipeline.id,
      logical_date: logicalDate.replace(/Z$/, "+00:00"),
      conf,
      record: join(work, `airflow-${c.n}.jsonl`),
    };
  });
  writeFileSync(join(work, "airflow-plan.json"), JSON.stringify(afPlan));
  execFileSync(
    join(afVenv, "bin/python"),
    [
      resolve("tests/integration/airflow/run_many.py"),
      dags,
      join(work, "airflow-plan.json"),
      join(work, "airflow-out.json"),
    ],
    { env: afEnv, stdio: "ignore", timeout: 1_200_000 },
  );
  airflowOut = JSON.parse(readFileSync(join(work, "airflow-out.json"), "utf8"));
  const dgPlan = cases.map((c) => ({
    key: c.pipeline.id,
    file: defs,
    jobs: [c.pipeline.id],
    tags: dagsterDateTags(c.date),
    record: join(work, `dagster-${c.n}.jsonl`),
  }));
  writeFileSync(join(work, "dagster-plan.json"), JSON.stringify(dgPlan));
  const { DAGSTER_HOME: _, ...rest } = process.env;
  const out = execFileSync(
    join(pythonEnv("dagster"), "bin/python"),
    [resolve("tests/integration/dagster/run_many.py"), join(work, "dagster-plan.json")],
    {
      cwd: work,
      env: { ...rest, PYTHONDONTWRITEBYTECODE: "1" },
      encoding: "utf8",
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 1_200_000,
    },
  );
  const line = out.split("\n").find((l) => l.startsWith("SLO_RESULT ")) ?? "SLO_RESULT {}";
  dagsterOut = JSON.parse(line.slice(11));
}, 2_400_000);
afterAll(() =>
  process.env.SLO_KEEP ? console.log(work) : rmSync(work, { recursive: true, force: true }),
);

describe("one date rule on the engine, Airflow and Dagster (docs/dates.md)", () => {
  it("the issue's case: a daily 02:00 Paris pipeline asked for 2024-01-01 runs for that day", () => {
    const c = cases[0] as Case;
    expect(periodValues(c.pipeline, c.date)).toEqual({
      scheduledDate: "2024-01-01T02:00:00+0100",
      interval: { start: "2023-12-31T02:00:00+0100", end: "2024-01-01T02:00:00+0100" },
    });
  });

  it("the engine passes the rule's scheduled date and interval", () => {
    for (const c of agreeing) {
      expect(engineStates[c.n], c.say).toBe("success");
      expect(
        records(join(work, `engine-${c.n}.jsonl`)).map((r) => r.argv),
        c.say,
      ).toEqual(wanted(c));
    }
  });

  it("generated Airflow DAGs under dag.test() pass the same", () => {
    expect(airflowOut.import_errors).toEqual({});
    for (const c of agreeing) {
      expect(airflowOut.runs[c.pipeline.id]?.state, c.say).toBe("success");
      const got = records(join(work, `airflow-${c.n}.jsonl`));
      expect(
        got.map((r) => r.argv),
        c.say,
      ).toEqual(wanted(c));
      const values = periodValues(c.pipeline, c.date);
      expect(got[0]?.env.SL_SCHEDULED_DATE, c.say).toBe(values.scheduledDate);
    }
  });

  it("generated Dagster jobs in process pass the same", () => {
    for (const c of agreeing) {
      const entry = dagsterOut[c.pipeline.id];
      expect(entry?.error, c.say).toBeNull();
      expect(entry?.jobs[c.pipeline.id], c.say).toBe(true);
      const got = records(join(work, `dagster-${c.n}.jsonl`));
      expect(
        got.map((r) => r.argv),
        c.say,
      ).toEqual(wanted(c));
      const values = periodValues(c.pipeline, c.date);
      expect(got[1]?.env.SL_DATA_INTERVAL_START, c.say).toBe(values.interval?.start);
    }
  });

  it("known difference: a wall-clock tick that happens twice is the first on the engine, the second on Airflow and Dagster", () => {
    expect(scheduledOf(`engine-${twice.n}.jsonl`)).toBe("2024-11-03T01:30:00-0400");
    expect(scheduledOf(`airflow-${twice.n}.jsonl`)).toBe("2024-11-03T01:30:00-0500");
    expect(scheduledOf(`dagster-${twice.n}.jsonl`)).toBe("2024-11-03T01:30:00-0500");
  });
});
