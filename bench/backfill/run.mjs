// bench/backfill: submitting and following partition runs on a real local Dagster, `slo backfill`
// against a loop over the official Python DagsterGraphQLClient, same server, same run.
// Usage: node bench/backfill/run.mjs [runs=500]
//
// The server is `dagster dev` on tests/integration/remote/partitioned_defs.py with its run queue
// closed (concurrency.runs.max_concurrent_runs: 0): runs are created and queued but not executed,
// so what is timed is the clients' own work (every launch is a real launch through GraphQL, the
// server checks the job and partition and stores the run) and not how fast 2 cores run 1,000
// Python processes. Two phases per client: submit every run; then one sweep of every run's
// status, which is what each poll costs while following a backfill.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DagsterClient } from "../../dist/remote/dagster/dagster-client.js";

const runs = Number(process.argv[2] ?? 500);
const here = resolve(import.meta.dirname);
const repo = resolve(here, "../..");
const venv = execFileSync("bash", [join(repo, "scripts/python-env.sh"), "dagster"], {
  encoding: "utf8",
}).trim();
const work = mkdtempSync(join(tmpdir(), "slo-bench-backfill-"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await new Promise((ok) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => ok(port));
  });
});
const url = `http://127.0.0.1:${port}`;
const home = join(work, "home");
mkdirSync(home);
writeFileSync(
  join(home, "dagster.yaml"),
  "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 0\n",
);
copyFileSync(
  join(repo, "tests/integration/remote/partitioned_defs.py"),
  join(work, "partitioned_defs.py"),
);
const log = openSync(join(work, "dagster.log"), "a");
const server = spawn(
  join(venv, "bin/dagster"),
  ["dev", "-f", join(work, "partitioned_defs.py"), "-h", "127.0.0.1", "-p", String(port)],
  {
    env: { ...process.env, DAGSTER_HOME: home, SLO_RECORD: join(work, "record.jsonl") },
    detached: true,
    stdio: ["ignore", log, log],
  },
);
const endpoint = {
  kind: "dagster",
  baseUrl: url,
  timeoutMs: 60_000,
  retries: 3,
  backoffMs: 250,
  secrets: [],
};
const client = new DagsterClient(endpoint);

try {
  for (let i = 0; ; i++) {
    const ready = await client.locationStatuses().then(
      (s) => s.length === 1 && s[0].loadStatus === "LOADED",
      () => false,
    );
    if (ready) break;
    if (i > 240) throw new Error("dagster dev did not start");
    await sleep(500);
  }
  // Partitions: daily dates from 2024-01-01 times two stations, `runs` in all.
  const days = Math.ceil(runs / 2);
  const partitions = [];
  for (let d = 0; d < days && partitions.length < runs; d++) {
    const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (const station of ["NL01497", "NL01912"])
      if (partitions.length < runs) partitions.push([day, station]);
  }
  const last = partitions[partitions.length - 1][0];

  // Ours: the CLI, a fresh Node process (its start-up is counted), submitting without waiting.
  const file = join(work, "backfill.yaml");
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
  const profiles = join(work, "profiles.yml");
  writeFileSync(
    profiles,
    `profiles:\n  b:\n    kind: dagster\n    url: ${url}\n    timeout_seconds: 60\n`,
  );
  let t = performance.now();
  execFileSync(
    process.execPath,
    [
      join(repo, "dist/cli/bin.js"),
      "backfill",
      file,
      "--no-wait",
      "--profiles",
      profiles,
      "--json",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const oursSubmit = (performance.now() - t) / 1000;
  t = performance.now();
  const mine = await client.runsByTags({ "slo/backfill": "bench-ours" });
  const oursSweep = (performance.now() - t) / 1000;
  if (mine.length !== partitions.length)
    throw new Error(`ours: ${mine.length} runs, expected ${partitions.length}`);

  // Theirs: the official client in one Python process (interpreter start-up not counted).
  const list = join(work, "partitions.json");
  writeFileSync(list, JSON.stringify(partitions));
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
      { encoding: "utf8" },
    )
      .trim()
      .split("\n")
      .pop(),
  );
  const theirs = await client.runsByTags({ "slo/backfill": "bench-python" });
  if (theirs.length !== partitions.length)
    throw new Error(`python: ${theirs.length} runs, expected ${partitions.length}`);

  const row = (name, submit, sweep) =>
    `| ${name} | ${partitions.length} | ${submit.toFixed(2)} s | ${((submit / partitions.length) * 1000).toFixed(1)} ms | ${(sweep * 1000).toFixed(0)} ms |`;
  const version = execFileSync(
    join(venv, "bin/python"),
    ["-c", "import dagster; print(dagster.__version__)"],
    {
      encoding: "utf8",
    },
  ).trim();
  console.log(
    `Dagster ${version}, ${partitions.length} partition runs of ingestion_job (daily x stations)\n`,
  );
  console.log("| client | runs | submit all | per run | one status sweep of all runs |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(row("slo backfill (launchMultipleRuns; runsOrError by tag)", oursSubmit, oursSweep));
  console.log(
    row("DagsterGraphQLClient loop (submit_job_execution; get_run_status)", py.submit, py.sweep),
  );
  console.log(
    `\nratio python/ours: submit ${(py.submit / oursSubmit).toFixed(1)}x, status sweep ${(py.sweep / oursSweep).toFixed(1)}x`,
  );
  console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}`);
} finally {
  try {
    process.kill(-server.pid, "SIGTERM");
    await sleep(3000);
    process.kill(-server.pid, "SIGKILL");
  } catch {}
  rmSync(work, { recursive: true, force: true });
}
