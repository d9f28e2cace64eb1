// bench/backfill: submitting and following partition runs on a real local Dagster, `slo backfill`
// against a loop over the official Python DagsterGraphQLClient, same server, same run, on two
// instances: Dagster's default SQLite storage and PostgreSQL storage (dagster-postgres).
// Usage: node bench/backfill/run.mjs [runs=500]
//
// Each instance is a fresh `dagster dev` on tests/integration/remote/partitioned_defs.py with its
// run queue closed (concurrency.runs.max_concurrent_runs: 0): runs are created and queued but not
// executed, so what is timed is the clients' own work and the server's handling of it (every
// launch is a real launch through GraphQL, the server checks the job and partition and stores the
// run), not how fast 2 cores run 1,000 Python processes. Two phases per client: submit every
// run; then one sweep of every run's status, which is what each poll costs while following.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DagsterClient } from "../../dist/remote/dagster/dagster-client.js";
import { startPostgres } from "./postgres.mjs";

const runs = Number(process.argv[2] ?? 500);
const here = resolve(import.meta.dirname);
const repo = resolve(here, "../..");
// Dagster as in scripts/python/dagster-requirements.txt, plus dagster-postgres.
const venv = execFileSync("bash", [join(repo, "scripts/python-env.sh"), "dagster-bench"], {
  encoding: "utf8",
}).trim();
const work = mkdtempSync(join(tmpdir(), "slo-bench-backfill-"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((ok) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });

// Partitions: daily dates from 2024-01-01 times two stations, `runs` in all.
const partitions = [];
for (let d = 0; partitions.length < runs; d++) {
  const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
  for (const station of ["NL01497", "NL01912"])
    if (partitions.length < runs) partitions.push([day, station]);
}
const last = partitions[partitions.length - 1][0];
copyFileSync(
  join(repo, "tests/integration/remote/partitioned_defs.py"),
  join(work, "partitioned_defs.py"),
);
const list = join(work, "partitions.json");
writeFileSync(list, JSON.stringify(partitions));

/** Starts `dagster dev` with this instance configuration; resolves once its code is loaded. */
async function startDagster(name, storageYaml) {
  const port = await freePort();
  const home = join(work, `home-${name}`);
  mkdirSync(home);
  writeFileSync(
    join(home, "dagster.yaml"),
    `telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 0\n${storageYaml}`,
  );
  const log = openSync(join(work, `dagster-${name}.log`), "a");
  const process_ = spawn(
    join(venv, "bin/dagster"),
    ["dev", "-f", join(work, "partitioned_defs.py"), "-h", "127.0.0.1", "-p", String(port)],
    {
      cwd: work,
      env: { ...process.env, DAGSTER_HOME: home, SLO_RECORD: join(work, "record.jsonl") },
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  const stop = async () => {
    try {
      process.kill(-process_.pid, "SIGTERM");
      await sleep(3000);
      process.kill(-process_.pid, "SIGKILL");
    } catch {}
  };
  const client = new DagsterClient({
    kind: "dagster",
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs: 60_000,
    retries: 3,
    backoffMs: 250,
    secrets: [],
  });
  for (let i = 0; ; i++) {
    const ready = await client.locationStatuses().then(
      (s) => s.length === 1 && s[0].loadStatus === "LOADED",
      () => false,
    );
    if (ready) break;
    if (i > 240) {
      await stop();
      throw new Error(
        `dagster dev (${name}) did not start: see ${join(work, `dagster-${name}.log`)}`,
      );
    }
    await sleep(500);
  }
  return { port, client, stop };
}

/** Both clients, one after the other, on one server: seconds to submit and to sweep. */
async function measure({ port, client }) {
  // Ours: the CLI, a fresh Node process (its start-up is counted), submitting without waiting.
  const file = join(work, `backfill-${port}.yaml`);
  writeFileSync(
    file,
    [
      "job_name: ingestion_job",
      "repository_name: partitioned_defs.py",
      `max_concurrent: ${runs}`,
      "tags:",
      "  name: bench-ours",
      "  partitions:",
      "  - name: daily",
      "    start_date: '2024-01-01'",
      `    end_date: '${last}'`,
      "  - name: stations",
      "    values: [NL01497, NL01912]",
    ].join("\n"),
  );
  const profiles = join(work, `profiles-${port}.yml`);
  writeFileSync(
    profiles,
    `profiles:\n  b:\n    kind: dagster\n    url: http://127.0.0.1:${port}\n    timeout_seconds: 60\n`,
  );
  const cli = [join(repo, "dist/cli/bin.js"), "backfill", file, "--no-wait"];
  let t = performance.now();
  execFileSync(process.execPath, [...cli, "--profiles", profiles, "--json"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const oursSubmit = (performance.now() - t) / 1000;
  t = performance.now();
  const mine = await client.runsByTags({ "slo/backfill": "bench-ours" });
  const oursSweep = (performance.now() - t) / 1000;
  if (mine.length !== partitions.length)
    throw new Error(`ours: ${mine.length} runs, expected ${partitions.length}`);

  // Theirs: the official client in one Python process (interpreter start-up not counted).
  const py = JSON.parse(
    execFileSync(
      join(venv, "bin/python"),
      [
        join(here, "python_client.py"),
        String(port),
        "partitioned_defs.py",
        "ingestion_job",
        "bench-python",
        list,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    )
      .trim()
      .split("\n")
      .pop(),
  );
  const theirs = await client.runsByTags({ "slo/backfill": "bench-python" });
  if (theirs.length !== partitions.length)
    throw new Error(`python: ${theirs.length} runs, expected ${partitions.length}`);
  return { oursSubmit, oursSweep, pySubmit: py.submit, pySweep: py.sweep };
}

const results = [];
let postgres;
try {
  const sqlite = await startDagster("sqlite", "");
  try {
    results.push({ instance: "SQLite (default)", ...(await measure(sqlite)) });
  } finally {
    await sqlite.stop();
  }
  postgres = startPostgres(await freePort());
  const pg = await startDagster(
    "postgres",
    `storage:\n  postgres:\n    postgres_url: "${postgres.url}"\n`,
  );
  try {
    results.push({ instance: "PostgreSQL (dagster-postgres)", ...(await measure(pg)) });
  } finally {
    await pg.stop();
  }

  const n = partitions.length;
  const ms = (s) => `${((s / n) * 1000).toFixed(1)} ms`;
  const version = execFileSync(
    join(venv, "bin/python"),
    ["-c", "import dagster; print(dagster.__version__)"],
    { encoding: "utf8" },
  ).trim();
  console.log(
    `Dagster ${version}, ${n} partition runs of ingestion_job (daily x stations); ${postgres.version}\n`,
  );
  console.log("| instance | client | submit all | per run | one status sweep of all runs |");
  console.log("|---|---|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.instance} | slo backfill (launchMultipleRuns, 5 x 8 in flight; runsOrError by tag) | ${r.oursSubmit.toFixed(2)} s | ${ms(r.oursSubmit)} | ${(r.oursSweep * 1000).toFixed(0)} ms |`,
    );
    console.log(
      `| ${r.instance} | DagsterGraphQLClient loop (submit_job_execution; get_run_status) | ${r.pySubmit.toFixed(2)} s | ${ms(r.pySubmit)} | ${(r.pySweep * 1000).toFixed(0)} ms |`,
    );
  }
  console.log("");
  for (const r of results)
    console.log(
      `ratio python/ours, ${r.instance}: submit ${(r.pySubmit / r.oursSubmit).toFixed(1)}x, status sweep ${(r.pySweep / r.oursSweep).toFixed(1)}x`,
    );
  console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}`);
} finally {
  postgres?.stop();
  rmSync(work, { recursive: true, force: true });
}
