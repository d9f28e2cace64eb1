import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { dagster } from "../../src/backends/dagster/dagster-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import { runPipelines } from "../../src/engine/engine.js";
import { runValues } from "../../src/engine/run-values.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Diagnostic } from "../../src/pipeline/diagnostic.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { expectedArgv, RECORDER, type Recorded } from "../helpers/airflow.js";
import { expectedRejections, type HostileCase, hostileCase } from "../helpers/hostile-cases.js";
import { pythonEnv } from "../helpers/python-env.js";

/**
 * Property (issue 16): every string a user controls × hostile payloads gives either located
 * errors (what `slo validate` turns into exit 2), or Airflow and Dagster files that are
 * ruff-clean, load in real Airflow 3.3 and Dagster 1.13, and hand the recording starlake the
 * engine's argv byte for byte. All cases load and run in one process per orchestrator.
 * SLO_PROPERTY_SEED replays a run; SLO_PROPERTY_CASES sets the count.
 */
const SEED = Number(process.env.SLO_PROPERTY_SEED ?? Math.floor(Math.random() * 1_000_000));
const COUNT = Number(process.env.SLO_PROPERTY_CASES ?? 30);
const AT = "2024-03-05T02:00:00+00:00";
const PWNED = "/tmp/slo-pwned";

interface Outcome {
  readonly c: HostileCase;
  readonly thrown?: string;
  readonly errors: readonly Diagnostic[];
  readonly pipelines: readonly Pipeline[];
}

const work = mkdtempSync(join(tmpdir(), "slo-hostile-fields-"));
const root = join(work, "root");
const dags = join(work, "dags");
const defs = join(work, "defs");
const outcomes: Outcome[] = [];
const say = (c: HostileCase, what: string) =>
  `seed ${SEED} (SLO_PROPERTY_SEED=${SEED}), case ${c.id} ${JSON.stringify(c.fields)}: ${what}`;

async function plan(c: HostileCase): Promise<Outcome> {
  const folder = join(work, "projects", c.id);
  for (const [rel, content] of Object.entries(c.files)) {
    mkdirSync(join(folder, rel, ".."), { recursive: true });
    writeFileSync(join(folder, rel), content);
  }
  try {
    const r = await planProject(folder, {
      vars: { SL_ROOT: root, ...c.vars },
      env: { SL_STARLAKE_PATH: RECORDER },
    });
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) return { c, errors, pipelines: [] };
    for (const f of airflow.render(r.pipelines, { source: c.id }))
      writeFileSync(join(dags, f.path), f.content);
    const [module] = dagster.render(r.pipelines, { source: c.id });
    writeFileSync(join(defs, `${c.id}.py`), module?.content ?? "");
    return { c, errors, pipelines: r.pipelines };
  } catch (e) {
    return { c, thrown: (e as Error).stack ?? String(e), errors: [], pipelines: [] };
  }
}

const records = (file: string): Recorded[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Recorded)
    : [];
const sorted = (xs: readonly string[][]) => xs.map((x) => JSON.stringify(x)).sort();
/** The argv of every task with a command, for the run at AT: what every runner must pass. */
const wanted = (o: Outcome) =>
  o.pipelines.flatMap((p) =>
    expectedArgv(
      p,
      p.tasks.filter((t) => t.command !== undefined).map((t) => t.id),
      runValues(p, new Date(AT)),
    ),
  );

let airflowRun: {
  import_errors: Record<string, string>;
  runs: Record<string, { state: string; tasks: Record<string, string> }>;
};
let dagsterRun: Record<string, { error: string | null; jobs: Record<string, boolean> }>;
const engineStates = new Map<string, string[]>();

/** The same pipelines on the embedded engine, with the recording starlake. */
async function runEngine(o: Outcome): Promise<void> {
  const store = new StateStore(join(work, `engine-${o.c.id}.db`));
  try {
    const outcomes = await runPipelines(
      store,
      { pipelines: o.pipelines, date: new Date(AT) },
      {
        baseEnv: { PATH: process.env.PATH, SLO_RECORD: join(work, `engine-${o.c.id}.jsonl`) },
        logsDir: join(work, "engine-logs", o.c.id),
        slots: new Slots(4, new Map()),
      },
    );
    engineStates.set(
      o.c.id,
      outcomes.map((x) => x.state),
    );
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  rmSync(PWNED, { force: true });
  for (const dir of [root, dags, defs]) mkdirSync(dir, { recursive: true });
  for (let n = 0; n < COUNT; n++) outcomes.push(await plan(hostileCase(SEED, n)));
  const valid = outcomes.filter((o) => o.pipelines.length > 0);
  for (const o of valid) await runEngine(o);
  const runPlan = valid.flatMap((o) =>
    o.pipelines.map((p) => ({
      dag_id: p.id,
      logical_date: AT,
      record: join(work, `airflow-${p.id}.jsonl`),
    })),
  );
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
  writeFileSync(join(work, "airflow-plan.json"), JSON.stringify(runPlan));
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
  airflowRun = JSON.parse(readFileSync(join(work, "airflow-out.json"), "utf8"));
  const dgPlan = valid.map((o) => ({
    file: join(defs, `${o.c.id}.py`),
    jobs: o.pipelines.map((p) => p.id),
    tags: { sl_scheduled_date: "2024-03-05T02:00:00+0000" },
    record: join(work, `dagster-${o.c.id}.jsonl`),
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
  dagsterRun = JSON.parse(line.slice(11));
}, 2_400_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every record's Starlake variables are the pipeline's, exactly. */
function expectEnv(o: Outcome, got: readonly Recorded[], runner: string): void {
  const env = Object.assign({}, ...o.pipelines.map((p) => p.environment.env)) as Record<
    string,
    string
  >;
  for (const r of got)
    for (const [k, v] of Object.entries(env))
      if (k.startsWith("SL_")) expect(r.env[k], say(o.c, `${runner} env ${k}`)).toBe(v);
}

describe(`hostile strings in every field (seed ${SEED}, ${COUNT} cases)`, () => {
  it("the engine runs every valid case, and starlake gets the argv of the command contract", () => {
    for (const o of outcomes.filter((x) => x.pipelines.length > 0)) {
      expect(engineStates.get(o.c.id), say(o.c, "engine runs")).toEqual(
        o.pipelines.map(() => "success"),
      );
      const got = records(join(work, `engine-${o.c.id}.jsonl`));
      expect(sorted(got.map((r) => r.argv)), say(o.c, "argv on the engine")).toEqual(
        sorted(wanted(o)),
      );
      expectEnv(o, got, "engine");
    }
    expect(existsSync(PWNED), `seed ${SEED}: a payload ran`).toBe(false);
  });

  it("never an internal error; every error names its file; enough cases are valid to mean something", () => {
    for (const o of outcomes) {
      expect(o.thrown, say(o.c, "threw")).toBeUndefined();
      for (const d of o.errors)
        expect(d.file, say(o.c, `error without a file: ${d.message}`)).toBeTruthy();
      const why = expectedRejections(o.c.fields);
      const errors = o.errors.map((d) => `${d.code}: ${d.message}`);
      expect(
        errors.length > 0,
        say(o.c, `refused ${JSON.stringify(errors)}, expected ${JSON.stringify(why)}`),
      ).toBe(why.length > 0);
    }
    const valid = outcomes.filter((o) => o.pipelines.length > 0).length;
    const codes = [...new Set(outcomes.flatMap((o) => o.errors.map((d) => d.code)))].sort();
    console.info(
      `seed ${SEED}: ${valid} of ${COUNT} cases valid; errors seen: ${codes.join(", ")}`,
    );
    expect(valid, `seed ${SEED}: only ${valid} of ${COUNT} cases valid`).toBeGreaterThanOrEqual(
      Math.ceil(COUNT / 5),
    );
  });

  it("the generated files are formatted and lint-clean (real ruff)", () => {
    const ruff = join(pythonEnv("airflow"), "bin/ruff");
    for (const dir of [dags, defs]) {
      execFileSync(ruff, ["format", "--isolated", "--check", dir], { stdio: "pipe" });
      execFileSync(ruff, ["check", "--isolated", dir], { stdio: "pipe" });
    }
  });

  it("every valid case loads and runs in real Airflow, and starlake gets the engine's argv", () => {
    expect(airflowRun.import_errors, `seed ${SEED}`).toEqual({});
    for (const o of outcomes.filter((x) => x.pipelines.length > 0)) {
      for (const p of o.pipelines) {
        const run = airflowRun.runs[p.id];
        expect(run?.state, say(o.c, `Airflow run of ${p.id}`)).toBe("success");
        const got = records(join(work, `airflow-${p.id}.jsonl`));
        const ids = p.tasks.filter((t) => t.command !== undefined).map((t) => t.id);
        const want = expectedArgv(p, ids, runValues(p, new Date(AT)));
        expect(sorted(got.map((r) => r.argv)), say(o.c, `argv in Airflow ${p.id}`)).toEqual(
          sorted(want),
        );
        expectEnv(o, got, "Airflow");
      }
    }
    expect(existsSync(PWNED), `seed ${SEED}: a payload ran`).toBe(false);
  });

  it("every valid case loads and runs in real Dagster, and starlake gets the engine's argv", () => {
    for (const o of outcomes.filter((x) => x.pipelines.length > 0)) {
      const entry = dagsterRun[join(defs, `${o.c.id}.py`)];
      expect(entry?.error, say(o.c, "Dagster load")).toBeNull();
      const got = records(join(work, `dagster-${o.c.id}.jsonl`));
      for (const p of o.pipelines)
        expect(entry?.jobs[p.id], say(o.c, `Dagster job ${p.id}`)).toBe(true);
      expect(sorted(got.map((r) => r.argv)), say(o.c, "argv in Dagster")).toEqual(
        sorted(wanted(o)),
      );
      expectEnv(o, got, "Dagster");
    }
    expect(existsSync(PWNED), `seed ${SEED}: a payload ran`).toBe(false);
  });
});
