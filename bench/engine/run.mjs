// bench/engine: per-task overhead of the embedded engine on 1,000 no-op tasks, in a wide shape
// (start -> 1,000 tasks -> end) and a deep one (a chain of 1,000), against a plain sequential
// shell loop running the same 1,000 commands. The command is `true` (a no-op process), so what
// remains is the engine's own cost: deciding, recording state in SQLite, starting and reaping.
// The same pipelines also run as generated Airflow DAG files under `airflow dags test` (dag.test(),
// real Airflow 3.3, SQLite), timed in the same run.
// Airflow runs a smaller size (AIRFLOW_TASKS, default 200): dag.test() of a 1,000-task chain did
// not finish in 5 minutes here, and its cost per task grows with the size. Dagster runs TASKS
// (DAGSTER_TASKS, default TASKS). The engine gets the environment of this process, as `slo run`
// gives it, and the shell loop runs in it too (a locale in it makes `true` itself slower).
// Usage: npm run build && node bench/engine/run.mjs [TASKS] [AIRFLOW_TASKS] [DAGSTER_TASKS]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { airflow } from "../../dist/backends/airflow/airflow-orchestrator.js";
import { dagster } from "../../dist/backends/dagster/dagster-orchestrator.js";
import { runPipelines } from "../../dist/engine/engine.js";
import { Slots } from "../../dist/engine/slots.js";
import { StateStore } from "../../dist/engine/state-store.js";

const n = Number(process.argv[2] ?? 1000);
const airflowTasks = Number(process.argv[3] ?? 200);
const dagsterTasks = Number(process.argv[4] ?? n);
const work = mkdtempSync(join(tmpdir(), "slo-bench-engine-"));
const noop = execFileSync("which", ["true"], { encoding: "utf8" }).trim(); // the program, not the shell builtin

function pipeline(id, shape, size = n) {
  const ids = Array.from({ length: size }, (_, i) => `t${i}`);
  const edges =
    shape === "wide"
      ? [...ids.map((t) => ({ from: "start", to: t })), ...ids.map((t) => ({ from: t, to: "end" }))]
      : [
          { from: "start", to: "t0" },
          ...ids.slice(1).map((t, i) => ({ from: ids[i], to: t })),
          { from: ids[size - 1], to: "end" },
        ];
  return {
    id,
    kind: "load",
    description: "",
    tags: [],
    schedule: { kind: "manual" },
    catchup: false,
    timezone: "UTC",
    maxActiveRuns: 1,
    defaults: { retries: 0, retryDelay: 0 },
    environment: { kind: "shell", env: {}, settings: { slRoot: work, starlakePath: noop } },
    tasks: [
      { id: "start", kind: "start", trigger: "all_success" },
      ...ids.map((t) => ({ id: t, kind: "load", trigger: "all_success", command: ["load"] })),
      { id: "end", kind: "end", trigger: "all_success" },
    ],
    groups: [],
    edges,
    datasets: [],
    options: {},
  };
}

async function engine(shape, concurrency) {
  const store = new StateStore(join(work, `${shape}-${concurrency}.db`));
  const started = performance.now();
  const [outcome] = await runPipelines(
    store,
    { pipelines: [pipeline(`${shape}_${concurrency}`, shape)] },
    {
      baseEnv: process.env, // as `slo run` gives it, and as the shell loop runs
      logsDir: join(work, "logs"),
      slots: new Slots(concurrency),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  store.close();
  if (outcome.state !== "success") throw new Error(`${shape}: ${outcome.state}`);
  return seconds;
}

function shellLoop() {
  const started = performance.now();
  execFileSync("sh", ["-c", `i=0; while [ $i -lt ${n} ]; do ${noop} load; i=$((i+1)); done`]);
  return (performance.now() - started) / 1000;
}

/** Seconds of dag.test() for the same pipelines, rendered by our Airflow backend. */
function airflowTest() {
  const venv = execFileSync("bash", ["scripts/python-env.sh", "airflow"], {
    encoding: "utf8",
  }).trim();
  const home = join(work, "airflow-home");
  const dags = join(work, "dags");
  mkdirSync(dags, { recursive: true });
  const pipelines = [
    pipeline("airflow_deep", "deep", airflowTasks),
    pipeline("airflow_wide", "wide", airflowTasks),
  ];
  for (const f of airflow.render(pipelines, { source: "bench" }))
    writeFileSync(join(dags, f.path), f.content);
  const env = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
  };
  execFileSync(join(venv, "bin/airflow"), ["db", "migrate"], { env, stdio: "ignore" });
  const out = execFileSync(
    join(venv, "bin/python"),
    ["bench/engine/airflow_test.py", dags, "airflow_deep", "airflow_wide"],
    { env, encoding: "utf8", maxBuffer: 1 << 28 },
  );
  return JSON.parse(
    out
      .split("\n")
      .find((l) => l.startsWith("SLO_RESULT "))
      .slice(11),
  );
}

/** Seconds of in-process execution of the same pipelines as generated Dagster jobs. */
function dagsterExecute() {
  const venv = execFileSync("bash", ["scripts/python-env.sh", "dagster"], {
    encoding: "utf8",
  }).trim();
  const folder = join(work, "dagster");
  mkdirSync(folder, { recursive: true });
  const pipelines = [
    pipeline("dagster_deep", "deep", dagsterTasks),
    pipeline("dagster_wide", "wide", dagsterTasks),
  ];
  const [file] = dagster.render(pipelines, { source: "bench" });
  writeFileSync(join(folder, file.path), file.content);
  const out = execFileSync(
    join(venv, "bin/python"),
    ["bench/engine/dagster_execute.py", join(folder, file.path), "dagster_deep", "dagster_wide"],
    { encoding: "utf8", maxBuffer: 1 << 28 },
  );
  return JSON.parse(
    out
      .split("\n")
      .find((l) => l.startsWith("SLO_RESULT "))
      .slice(11),
  );
}

const loop = shellLoop() / n; // seconds per command
const rows = [
  ["engine, deep chain", n, await engine("deep", 2)],
  ["engine, wide, 1 at a time", n, await engine("wide", 1)],
  ["engine, wide, 2 at a time", n, await engine("wide", 2)],
];
if (!process.argv.includes("--no-airflow")) {
  const a = airflowTest();
  rows.push(
    ["airflow dags test, deep chain", airflowTasks, a.airflow_deep],
    ["airflow dags test, wide", airflowTasks, a.airflow_wide],
  );
}
const ms = (seconds) => `${(seconds * 1000).toFixed(2)} ms`;
console.log("| no-op tasks | tasks | total | per task | overhead per task |");
console.log("|---|---:|---:|---:|---:|");
console.log(`| plain sequential shell loop | ${n} | ${(loop * n).toFixed(2)} s | ${ms(loop)} | |`);
const overhead = new Map();
for (const [label, tasks, seconds] of rows) {
  overhead.set(label, seconds / tasks - loop);
  console.log(
    `| ${label} | ${tasks} | ${seconds.toFixed(2)} s | ${ms(seconds / tasks)} | ${ms(seconds / tasks - loop)} |`,
  );
}
if (!process.argv.includes("--no-dagster")) {
  const d = dagsterExecute();
  for (const [label, key] of [
    ["dagster in process, deep chain", "dagster_deep"],
    ["dagster in process, wide", "dagster_wide"],
  ]) {
    overhead.set(label, d[key] / dagsterTasks - loop);
    console.log(
      `| ${label} | ${dagsterTasks} | ${d[key].toFixed(2)} s | ${ms(d[key] / dagsterTasks)} | ${ms(d[key] / dagsterTasks - loop)} |`,
    );
  }
}
if (overhead.has("airflow dags test, wide"))
  console.log(
    `\nratio of the overhead per task, airflow dags test / engine: ${(overhead.get("airflow dags test, deep chain") / overhead.get("engine, deep chain")).toFixed(0)}x (deep), ${(overhead.get("airflow dags test, wide") / overhead.get("engine, wide, 1 at a time")).toFixed(0)}x (wide, one task at a time)`,
  );
if (overhead.has("dagster in process, wide"))
  console.log(
    `ratio of the overhead per task, dagster in process / engine: ${(overhead.get("dagster in process, deep chain") / overhead.get("engine, deep chain")).toFixed(0)}x (deep), ${(overhead.get("dagster in process, wide") / overhead.get("engine, wide, 1 at a time")).toFixed(0)}x (wide, one task at a time)`,
  );
console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}`);
rmSync(work, { recursive: true, force: true });
