import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dagster } from "../../src/backends/dagster/dagster-orchestrator.js";
import { periodValues } from "../../src/cli/period-text.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { DagsterClient } from "../../src/remote/dagster/dagster-client.js";
import { RECORDER } from "../helpers/airflow.js";
import { runCli } from "../helpers/cli.js";
import { freePort, type Server, startDagster } from "../helpers/remote-servers.js";

/**
 * `slo trigger`, `status` and `backfill` against a real `dagster dev` (webserver and daemon) that
 * serves the bakery example's generated definitions and a team's own partitioned job.
 */
const work = mkdtempSync(join(tmpdir(), "slo-remote-dagster-"));
const record = join(work, "record.jsonl");
const profiles = join(work, "profiles.yml");
let server: Server;
let pipelines: readonly Pipeline[] = [];
/** A port nothing listens on. */
let closed = 0;

beforeAll(async () => {
  const root = join(work, "root");
  mkdirSync(root);
  const plan = await planProject("examples/bakery", {
    vars: { SL_ROOT: root },
    env: { SL_STARLAKE_PATH: RECORDER },
  });
  pipelines = plan.pipelines;
  const [defs] = dagster.render(pipelines, { source: "examples/bakery" });
  writeFileSync(join(work, "definitions.py"), defs?.content ?? "");
  copyFileSync("tests/integration/remote/partitioned_defs.py", join(work, "partitioned_defs.py"));
  server = await startDagster(
    [join(work, "definitions.py"), join(work, "partitioned_defs.py")],
    join(work, "home"),
    { SLO_RECORD: record },
  );
  closed = await freePort();
  writeFileSync(
    profiles,
    [
      "default: local",
      "profiles:",
      "  local:",
      "    kind: dagster",
      `    url: ${server.url}`,
      "  down:",
      "    kind: dagster",
      `    url: http://127.0.0.1:${closed}`,
      "    retries: 1",
    ].join("\n"),
  );
  process.env.SLO_PROFILES = profiles;
});

afterAll(async () => {
  await server?.stop();
  delete process.env.SLO_PROFILES;
  rmSync(work, { recursive: true, force: true });
});

interface Line {
  job?: string;
  partition?: string;
  run?: string;
  argv?: string[];
}
const records = (): Line[] =>
  existsSync(record)
    ? readFileSync(record, "utf8")
        .trim()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Line)
    : [];

function backfillFile(name: string, body: string): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, body);
  return path;
}

/** The RFC's own example format, with our partitioned job. */
const seedFormat = (ticket: string, start: string, end: string, stations: string[]) =>
  [
    "job_name: ingestion_job",
    "repository_name: partitioned_defs.py",
    "tags:",
    `  name: '${ticket}'`,
    "  partitions:",
    "  - name: daily",
    `    start_date: '${start}'`,
    `    end_date: '${end}'`,
    "  - name: stations",
    "    values:",
    ...stations.map((s) => `    - ${s}`),
  ].join("\n");

describe("slo against a real dagster dev", () => {
  it("triggers a generated job with a date, follows it, and the commands get that date", async () => {
    const p = pipelines.find((x) => x.id === "bakery_load_shop_daily");
    if (!p) throw new Error("no pipeline");
    const r = await runCli(["trigger", p.id, "--date", "2024-03-01", "--wait", "--poll", "0.5"]);
    expect(r.stderr).toContain("started");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
    const expected = periodValues(p, { kind: "day", day: "2024-03-01" }).scheduledDate;
    const loads = records().filter((l) => l.argv?.[0] === "load");
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.at(-1)?.argv).toContain(expected);

    const ref = r.stdout.match(/run (\S+) /)?.[1] ?? "";
    const status = await runCli(["status", ref, "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ref, pipeline: p.id, state: "success" });
  });

  it("backfills the product of a date range and a value list, each combination exactly once; a second run submits nothing", async () => {
    const file = backfillFile(
      "b1",
      seedFormat("#issue1234", "2024-01-30", "2024-02-01", ["NL01497", "NL01912"]),
    );
    const dry = await runCli(["backfill", file, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("6 runs of Dagster job ingestion_job");

    const first = await runCli(["backfill", file, "--poll", "0.5", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { outcomes: { key: string; state: string }[] };
    expect(report.outcomes.map((o) => o.state)).toEqual(Array(6).fill("success"));
    const partitions = records()
      .filter((l) => l.job === "ingestion_job")
      .map((l) => l.partition)
      .sort();
    expect(partitions).toEqual([
      "2024-01-30|NL01497",
      "2024-01-30|NL01912",
      "2024-01-31|NL01497",
      "2024-01-31|NL01912",
      "2024-02-01|NL01497",
      "2024-02-01|NL01912",
    ]);

    const again = await runCli(["backfill", file, "--poll", "0.5"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("6 already submitted before");
    expect(records().filter((l) => l.job === "ingestion_job")).toHaveLength(6);
  });

  it("an interrupted backfill resumes without submitting anything twice", async () => {
    const file = backfillFile(
      "b2",
      `${seedFormat("#resume", "2024-03-01", "2024-03-04", ["NL01497", "NL01912"])}\nmax_concurrent: 2\n`,
    );
    const before = records().length;
    const child = spawn(
      process.execPath,
      [resolve("dist/cli/bin.js"), "backfill", file, "--poll", "0.5"],
      {
        env: { ...process.env },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 300_000,
      },
    );
    let stderr = "";
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    await new Promise<void>((submitted) =>
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += String(chunk);
        if (/[1-9]\/8 finished/.test(stderr)) submitted();
      }),
    );
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("run the same command again to resume");

    const resumed = await runCli(["backfill", file, "--poll", "0.5", "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout) as { resumed: number; outcomes: { state: string }[] };
    expect(report.resumed).toBeGreaterThan(0);
    expect(report.outcomes.every((o) => o.state === "success")).toBe(true);
    const ran = records()
      .slice(before)
      .filter((l) => l.partition?.startsWith("2024-03-0"))
      .map((l) => l.partition);
    expect(ran).toHaveLength(8);
    expect(new Set(ran).size).toBe(8);
  });

  it("a failed partition fails the backfill, and the summary names it", async () => {
    const file = backfillFile(
      "b3",
      seedFormat("#fail", "2024-05-01", "2024-05-01", ["NL01497", "FAIL"]),
    );
    const r = await runCli(["backfill", file, "--poll", "0.5"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/daily=2024-05-01\|stations=FAIL\s+failed/);
    expect(r.stdout).toMatch(/success\s+1/);
  });

  it("runs Dagster's own partition backfill when native, and follows its runs", async () => {
    const file = backfillFile(
      "b4",
      `${seedFormat("#native", "2024-06-01", "2024-06-02", ["NL01912"])}\nnative: true\n`,
    );
    const r = await runCli(["backfill", file, "--poll", "0.5", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { outcomes: { key: string; state: string }[] };
    expect(report.outcomes.map((o) => o.key).sort()).toEqual([
      "daily=2024-06-01|stations=NL01912",
      "daily=2024-06-02|stations=NL01912",
    ]);
    expect(records().filter((l) => l.partition?.startsWith("2024-06-0"))).toHaveLength(2);
    const again = await runCli(["backfill", file, "--poll", "0.5"]);
    expect(again.code).toBe(0);
    expect(records().filter((l) => l.partition?.startsWith("2024-06-0"))).toHaveLength(2);
  });

  it("faults give one clear line and a non-zero exit", async () => {
    const unknown = await runCli(["trigger", "no_such_job"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain("no job no_such_job on the server (jobs: bakery_");

    const down = await runCli(["trigger", "noop_job", "--profile", "down"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `error: dagster at http://127.0.0.1:${closed}: connection refused (is the server running?)\n`,
    );

    const missing = await runCli(["status", "00000000-0000-0000-0000-000000000000"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no run 00000000-0000-0000-0000-000000000000");

    const badConfig = await runCli(["trigger", "noop_job", "--conf", '{"ops": {"nope": {}}}']);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/launch of noop_job: RunConfigValidationInvalid: .*nope/);
  });

  it("the client's other calls: jobs and partition sets, reloading a location, terminating a run", async () => {
    const client = new DagsterClient({
      kind: "dagster",
      baseUrl: server.url,
      timeoutMs: 60_000,
      retries: 2,
      backoffMs: 200,
      secrets: [],
    });
    await client.reloadLocation("partitioned_defs.py");
    await expect(client.reloadLocation("no_such_location")).rejects.toThrow(
      /RepositoryLocationNotFound/,
    );
    const jobs = await client.jobs();
    expect(jobs.find((j) => j.job === "ingestion_job")).toMatchObject({
      location: "partitioned_defs.py",
      repository: "__repository__",
      partitionSets: ["ingestion_job_partition_set"],
    });
    expect(jobs.filter((j) => j.location === "definitions.py").map((j) => j.job)).toEqual(
      expect.arrayContaining(pipelines.map((p) => p.id)),
    );
    const noop = jobs.find((j) => j.job === "noop_job");
    if (!noop) throw new Error("no noop_job");
    const runId = await client.launchRun({ job: noop, tags: { "slo/test": "terminate" } });
    await client.terminate(runId);
    let status = "";
    for (let i = 0; i < 60 && status !== "CANCELED"; i++) {
      status = (await client.run(runId)).status;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe("CANCELED");
    expect((await client.runsByTags({ "slo/test": "terminate" })).map((r) => r.runId)).toEqual([
      runId,
    ]);
  });
});
