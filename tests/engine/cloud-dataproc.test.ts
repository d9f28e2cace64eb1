import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLOUD_OPTIONS, envDag } from "../helpers/cloud-projects.js";
import { baseProject, fixture } from "../helpers/fixture.js";
import { type FakeGoogle, startFakeGoogle } from "../support/fake-google/server.js";

// `slo run` (the built CLI) runs Dataproc pipelines through @google-cloud/dataproc against the
// fake Dataproc v1 API on 127.0.0.1 (no emulator exists): the run's cluster created before its
// first job and deleted after its last whatever happened (a failed load, a stopped run, a run
// resumed after the engine was killed), Spark jobs with the jars, main class, properties and
// per-task overrides, under ids unique per attempt.

const BIN = resolve("dist/cli/bin.js");
let fake: FakeGoogle;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = await startFakeGoogle();
  fake.failWhenever(({ method, request }) =>
    method === "SubmitJob" && JSON.stringify(request).includes("fail_me")
      ? "the driver exited with 1"
      : undefined,
  );
});
const projects: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  fake.checksBeforeDone = 0;
  // attempts an engine killed here left behind, if the test failed before they ended
  for (const dir of projects.splice(0))
    try {
      const journal = readFileSync(join(runFolder(dir), "attempts.journal"), "utf8");
      for (const [, pid] of journal.matchAll(/^p \S+ (\d+)$/gm))
        try {
          process.kill(-Number(pid), "SIGKILL");
        } catch {
          // ended
        }
    } catch {
      // no run
    }
});
afterAll(async () => fake?.stop());

function project(name: string, extra: Record<string, string> = {}): string {
  const options = {
    ...CLOUD_OPTIONS.dataproc,
    dataproc_name: name,
    dataproc_num_workers: "0",
    spark_properties: '{"spark.sql.shuffle.partitions": "64"}',
    ...extra,
  };
  const dir = fixture(
    baseProject({
      "metadata/dags/load_all.sl.yml": envDag("load", "dataproc", "load_{{domain}}.py", options),
    }),
  );
  projects.push(dir);
  return dir;
}

const env = (dir: string) => ({
  PATH: process.env.PATH ?? "",
  HOME: dir,
  SLO_GOOGLE_API_ENDPOINT: fake.endpoint,
});

/** `slo run` as a child, asynchronously: the fake answers from this process. */
function slo(
  dir: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, "run", dir, ...args],
      { encoding: "utf8", timeout: 120_000, env: env(dir) },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function runFolder(dir: string): string {
  const logs = join(dir, ".slo", "logs");
  return join(logs, readdirSync(logs).find((d) => d.startsWith("load_shop__")) ?? "");
}

const tasksOf = (stdout: string) =>
  Object.fromEntries(
    (
      JSON.parse(stdout) as {
        runs: { tasks: { taskId: string; state: string; note?: string | null }[] }[];
      }
    ).runs[0]?.tasks.map((t) => [t.taskId, [t.state, t.note ?? ""]]) ?? [],
  );

type Call = { method: string; request: Record<string, unknown> };
/** The fake's calls about clusters named `prefix-…` and the jobs placed on them, in order. */
function callsOf(prefix: string): Call[] {
  const mine = (r: Record<string, unknown>) =>
    JSON.stringify(r).includes(`"${prefix}-`) && /"clusterName":"/.test(JSON.stringify(r));
  return fake.calls
    .map((c) => ({ method: c.method.slice(c.method.lastIndexOf("/") + 1), request: c.request }))
    .filter((c) => mine(c.request));
}

/** Jobs on clusters named `prefix-…` that never end (running), or end at their next check. */
function jobsOn(prefix: string, checksLeft: number): void {
  for (const held of fake.dataproc.jobs.values())
    if (JSON.stringify(held.message.placement).includes(`"${prefix}-`))
      held.work.checksLeft = checksLeft;
}

const until = async (what: () => boolean) => {
  for (let i = 0; i < 600 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(what()).toBe(true);
};

/**
 * A project whose `slo run` of load_shop is killed (SIGKILL) once both jobs are submitted, the
 * jobs left running on the fake: what an engine that died leaves behind.
 */
async function killedMidRun(name: string): Promise<string> {
  fake.checksBeforeDone = 3;
  const dir = project(name);
  const killed = spawn(process.execPath, [BIN, "run", dir, "--pipeline", "load_shop"], {
    env: env(dir),
    stdio: "ignore",
    timeout: 120_000,
  });
  children.push(killed);
  const gone = new Promise((r) => killed.once("exit", r));
  await until(() => callsOf(name).filter((c) => c.method === "SubmitJob").length === 2);
  jobsOn(name, 1_000_000);
  fake.checksBeforeDone = 0;
  killed.kill("SIGKILL");
  await gone;
  return dir;
}

describe("the engine runs Spark jobs on a Dataproc cluster of the run", () => {
  it("creates the cluster, submits each task's job, deletes the cluster after the last", async () => {
    const dir = project("ok");
    const r = await slo(dir, [
      "--pipeline",
      "load_shop",
      "--date",
      "2024-03-05T02:00:00Z",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const calls = callsOf("ok");
    const creates = calls.filter((c) => c.method === "CreateCluster");
    const submits = calls.filter((c) => c.method === "SubmitJob");
    const deletes = calls.filter((c) => c.method === "DeleteCluster");
    expect(creates.length).toBeGreaterThanOrEqual(1); // the second task finds it created
    const cluster = creates[0]?.request.cluster as { clusterName: string; config: unknown };
    expect(cluster.clusterName).toMatch(/^ok-[0-9a-f]{8}$/);
    expect(cluster.config).toMatchObject({
      masterConfig: { numInstances: 1, machineTypeUri: "n1-standard-4" },
      softwareConfig: {
        properties: {
          "dataproc:dataproc.allow.zero.workers": "true",
          "spark-env:SL_ROOT": "/srv/p",
        },
      },
      lifecycleConfig: { idleDeleteTtl: { seconds: "3600" } },
    });
    expect(cluster.config).not.toHaveProperty("workerConfig"); // a single-node cluster
    expect(submits).toHaveLength(2);
    for (const table of ["orders", "customers"]) {
      const job = submits.find((s) => JSON.stringify(s.request).includes(`"${table}"`))?.request
        .job as Record<string, Record<string, unknown>>;
      expect(job.reference?.jobId).toMatch(new RegExp(`^load_shop_${table}-[0-9a-f]{12}-1$`));
      expect(job.placement).toEqual({ clusterName: cluster.clusterName });
      expect(job.sparkJob).toMatchObject({
        jarFileUris: ["gs://my-bucket/jars/starlake.jar", "gs://my-bucket/jars/deps.jar"],
        mainClass: "ai.starlake.job.Main",
        args: [
          "load",
          "--scheduledDate",
          "2024-03-05T02:00:00+0000",
          "--domains",
          "shop",
          "--tables",
          table,
          "--options",
          "SL_ROOT=/srv/p",
        ],
      });
      const properties = job.sparkJob?.properties as Record<string, string>;
      expect(properties["spark.sql.shuffle.partitions"]).toBe("64");
      expect(properties["spark.hadoop.fs.defaultFS"]).toBe("gs://my-bucket");
      // the task's own properties over the pipeline's
      expect(properties["spark.executor.memory"]).toBe(table === "orders" ? "16g" : "8g");
    }
    // once, after the last job, for the same cluster; gone afterwards
    expect(deletes).toEqual([
      {
        method: "DeleteCluster",
        request: expect.objectContaining({
          projectId: "my-project",
          region: "europe-west1",
          clusterName: cluster.clusterName,
        }),
      },
    ]);
    expect(calls.indexOf(deletes[0] as Call)).toBeGreaterThan(calls.indexOf(submits[1] as Call));
    expect([...fake.dataproc.clusters.keys()].some((k) => k.includes("/clusters/ok-"))).toBe(false);
    expect(readFileSync(join(runFolder(dir), "cluster.dataproc.log"), "utf8")).toContain(
      `deleted Dataproc cluster ${cluster.clusterName}`,
    );
    expect(readFileSync(join(runFolder(dir), "load_shop_orders.1.log"), "utf8")).toMatch(
      /submitted Dataproc job load_shop_orders-[0-9a-f]{12}-1 on cluster ok-[0-9a-f]{8}/,
    );
    // slo logs shows the cluster's log after the attempts' (not for one task)
    const runId = basename(runFolder(dir));
    const logs = (...args: string[]) =>
      execFileSync(process.execPath, [BIN, "logs", runId, ...args, "--project", dir], {
        encoding: "utf8",
        env: env(dir),
      });
    expect(logs()).toMatch(
      new RegExp(
        `==> the run's Dataproc cluster <==\\n(.*\\n)*.*deleted Dataproc cluster ${cluster.clusterName}\\n$`,
      ),
    );
    expect(logs("--list")).toContain(
      `the run's Dataproc cluster: ${join(runFolder(dir), "cluster.dataproc.log")}`,
    );
    expect(logs("load_shop_orders")).not.toContain("Dataproc cluster <==");
  }, 120_000);

  it("deletes the cluster after a failed load; a retry is a new job id; each run has its cluster", async () => {
    const dir = project("failing", {
      spark_properties: '{"spark.app.name": "fail_me"}',
      retry_delay: "0",
    });
    const first = await slo(dir, ["--pipeline", "load_shop", "--retries", "1", "--json"]);
    expect(first.code).toBe(1);
    expect(tasksOf(first.stdout)).toMatchObject({
      load_shop_orders: ["failed", "exit code 1"],
      load_shop_customers: ["failed", "exit code 1"],
    });
    const calls = callsOf("failing");
    const ids = calls
      .filter((c) => c.method === "SubmitJob")
      .map((c) => (c.request.job as { reference: { jobId: string } }).reference.jobId)
      .sort();
    expect(ids).toEqual([
      expect.stringMatching(/^load_shop_customers-[0-9a-f]{12}-1$/),
      expect.stringMatching(/^load_shop_customers-[0-9a-f]{12}-2$/),
      expect.stringMatching(/^load_shop_orders-[0-9a-f]{12}-1$/),
      expect.stringMatching(/^load_shop_orders-[0-9a-f]{12}-2$/),
    ]);
    const deleted = calls.filter((c) => c.method === "DeleteCluster");
    expect(deleted).toHaveLength(1);
    expect([...fake.dataproc.clusters.keys()].some((k) => k.includes("/clusters/failing-"))).toBe(
      false,
    );
    expect(readFileSync(join(runFolder(dir), "load_shop_orders.2.log"), "utf8")).toContain(
      "ended in ERROR: the driver exited with 1",
    );
    // another run of the same pipeline: another cluster
    const second = await slo(dir, ["--pipeline", "load_shop", "--date", "2020-01-01T02:00:00Z"]);
    expect(second.code).toBe(1);
    const names = new Set(
      callsOf("failing")
        .filter((c) => c.method === "DeleteCluster")
        .map((c) => c.request.clusterName),
    );
    expect(names.size).toBe(2);
  }, 120_000);

  it("deletes the cluster of a stopped run, and of a run resumed after the engine was killed", async () => {
    // a few checks before anything ends: time to make the jobs run on once submitted
    fake.checksBeforeDone = 3;
    const dir = project("stopped");
    const child = spawn(process.execPath, [BIN, "run", dir, "--pipeline", "load_shop"], {
      env: env(dir),
      stdio: "ignore",
      timeout: 120_000,
    });
    children.push(child);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await until(() => callsOf("stopped").filter((c) => c.method === "SubmitJob").length === 2);
    jobsOn("stopped", 1_000_000);
    fake.checksBeforeDone = 0; // the deletion ends at once
    child.kill("SIGTERM");
    expect(await exited).toBe(130);
    expect(callsOf("stopped").filter((c) => c.method === "DeleteCluster")).toHaveLength(1);
    expect([...fake.dataproc.clusters.keys()].some((k) => k.includes("/clusters/stopped-"))).toBe(
      false,
    );
    // each attempt cancelled its job before it exited
    const cancels = fake.requestsOf("CancelJob").map((r) => r.jobId);
    for (const t of ["orders", "customers"]) {
      expect(cancels).toContainEqual(expect.stringMatching(new RegExp(`^load_shop_${t}-`)));
      expect(readFileSync(join(runFolder(dir), `load_shop_${t}.1.log`), "utf8")).toMatch(
        /cancelled Dataproc job load_shop_\w+-[0-9a-f]{12}-1/,
      );
    }

    // killed (SIGKILL): nothing deletes the cluster then; the resumed run does
    const dir2 = await killedMidRun("killed");
    expect(callsOf("killed").filter((c) => c.method === "DeleteCluster")).toHaveLength(0);
    jobsOn("killed", 0); // the jobs the orphaned attempts poll end now
    const resumed = await slo(dir2, ["--resume"]);
    expect(resumed.stderr).not.toMatch(/error/);
    expect(resumed.code).toBe(0);
    // the jobs were not submitted again: the resumed engine took over their attempts
    expect(callsOf("killed").filter((c) => c.method === "SubmitJob")).toHaveLength(2);
    expect(callsOf("killed").filter((c) => c.method === "DeleteCluster")).toHaveLength(1);
    expect([...fake.dataproc.clusters.keys()].some((k) => k.includes("/clusters/killed-"))).toBe(
      false,
    );
  }, 120_000);

  it("slo cancel of a run whose engine was killed deletes its cluster", async () => {
    const dir = await killedMidRun("orphan");
    expect(callsOf("orphan").filter((c) => c.method === "DeleteCluster")).toHaveLength(0);
    const runId = basename(runFolder(dir));
    const cancelled = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [BIN, "cancel", runId, "--project", dir],
        { encoding: "utf8", timeout: 120_000, env: env(dir) },
        (error, _stdout, stderr) =>
          done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(cancelled.stderr).toBe("");
    expect(cancelled.code).toBe(0);
    // its jobs cancelled, its cluster deleted, once, and said in the run's cluster log
    const cancels = fake.requestsOf("CancelJob").map((r) => r.jobId);
    for (const t of ["orders", "customers"])
      expect(cancels).toContainEqual(expect.stringMatching(new RegExp(`^load_shop_${t}-`)));
    const deletes = callsOf("orphan").filter((c) => c.method === "DeleteCluster");
    expect(deletes).toHaveLength(1);
    expect([...fake.dataproc.clusters.keys()].some((k) => k.includes("/clusters/orphan-"))).toBe(
      false,
    );
    expect(readFileSync(join(runFolder(dir), "cluster.dataproc.log"), "utf8")).toContain(
      "deleted Dataproc cluster orphan-",
    );
  }, 120_000);
});
