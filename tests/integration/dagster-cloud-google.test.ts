import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import type { Task } from "../../src/pipeline/pipeline.js";
import { starlakeArgv } from "../../src/starlake/command-line.js";
import { CLOUD_OPTIONS } from "../helpers/cloud-projects.js";
import { type FakeGoogle, startFakeGoogle } from "../support/fake-google/server.js";
import {
  CloudWorkspace,
  dagsterCloudEnv,
  envList,
  HOSTILE_ENV,
} from "./dagster-cloud-workspace.js";

/**
 * Cloud Run and Dataproc pipelines of generated Dagster definitions, run in process by real
 * Dagster 1.13 with Google's own Python clients, against the local fake of Google's APIs
 * (tests/support/fake-google: no emulator exists; what passes is proven against the fake only).
 */
const ISO = "2024-03-05T02:00:00Z";
const TAGS = { sl_scheduled_date: "2024-03-05T02:00:00+0000" };

let fake: FakeGoogle;
beforeAll(async () => {
  dagsterCloudEnv();
  fake = await startFakeGoogle({ checksBeforeDone: 1 });
  // a job whose argv loads orders fails, in Cloud Run and in Dataproc
  fake.failWhenever(({ request }) =>
    JSON.stringify(request).includes('"--tables","orders"') ? "orders: exit code 1" : undefined,
  );
}, 900_000);
afterAll(() => fake?.stop());

/** The fake's Python hook (a sitecustomize) and where it listens. */
const googleEnv = () => ({
  PYTHONPATH: resolve("tests/support/fake-google/python"),
  SLO_FAKE_GOOGLE: fake.endpoint,
});

function argvOf(ws: CloudWorkspace, taskId: string): string[] {
  const p = ws.pipeline("load_shop");
  const task = p.tasks.find((t) => t.id === taskId) as Task;
  return starlakeArgv(task, p.environment.env, runValues(p, new Date(ISO)));
}

/** The calls recorded from `from` on, by method name without service. */
const callsSince = (from: number) =>
  fake.calls.slice(from).map((c) => ({ method: c.method.split("/").at(-1), request: c.request }));

const args = (request: Record<string, unknown>) => JSON.stringify(request);

describe("Cloud Run: one job execution per task, with the task's overrides", () => {
  for (const mode of ["sync", "async"] as const)
    it(`${mode}: a succeeded execution succeeds, a failed one fails the step after its retry`, async () => {
      const ws = new CloudWorkspace();
      try {
        await ws.setUp(
          "cloud_run",
          {
            ...CLOUD_OPTIONS.cloud_run,
            cloud_run_async: mode === "async" ? "true" : "false",
            cloud_run_async_poke_interval: "1",
            retries: "1",
            retry_delay_in_seconds: "1",
          },
          // sync carries hostile values: they must arrive verbatim, as data
          mode === "sync" ? HOSTILE_ENV : undefined,
        );
        const from = fake.calls.length;
        const r = await ws.runJob("load_shop", TAGS, googleEnv());
        expect(r.steps.load_shop_customers).toBe("STEP_SUCCESS");
        expect(r.steps.load_shop_orders).toBe("STEP_FAILURE");
        expect(r.attempts.load_shop_orders).toBe(2);
        expect(r.success).toBe(false);
        const calls = callsSince(from);
        const runs = calls.filter((c) => c.method === "RunJob").map((c) => c.request);
        expect(runs).toHaveLength(3);
        const customers = runs.filter((q) => args(q).includes('"customers"'));
        expect(customers).toEqual([
          {
            name: "projects/my-project/locations/europe-west4/jobs/starlake-job",
            overrides: {
              containerOverrides: [
                {
                  args: argvOf(ws, "load_shop_customers"),
                  env: envList(ws.pipeline("load_shop").environment.env),
                },
              ],
            },
          },
        ]);
        // sync waits on the operation; async reads the execution at the poke interval
        const waits = calls.map((c) => c.method);
        if (mode === "sync") expect(waits).toContain("GetOperation");
        else expect(waits.filter((m) => m === "GetExecution").length).toBeGreaterThanOrEqual(3);
        expect(waits).not.toContain(mode === "sync" ? "GetExecution" : "GetOperation");
      } finally {
        ws.tearDown();
      }
    }, 300_000);

  it("the impersonated service account: credentials that act as it", async () => {
    const ws = new CloudWorkspace();
    try {
      await ws.setUp("cloud_run", CLOUD_OPTIONS.cloud_run);
      const script = [
        "import importlib.util, sys",
        "spec = importlib.util.spec_from_file_location('d', sys.argv[1])",
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
        "e = m.PIPELINES['load_shop']['environment']",
        "c = m._google_credentials(e)",
        "print(type(c).__module__, c.service_account_email, e['service_account'])",
      ].join("\n");
      const { stdout } = await promisify(execFile)(
        `${dagsterCloudEnv()}/bin/python`,
        ["-c", script, ws.file],
        { env: { ...process.env, ...googleEnv() }, timeout: 120_000, encoding: "utf8" },
      );
      const email = CLOUD_OPTIONS.cloud_run.cloud_run_service_account;
      expect(stdout.trim()).toBe(`google.auth.impersonated_credentials ${email} ${email}`);
    } finally {
      ws.tearDown();
    }
  }, 300_000);
});

describe("Dataproc: a cluster per run around Spark jobs, deleted whatever they did", () => {
  const ws = new CloudWorkspace();
  beforeAll(async () => {
    await ws.setUp("dataproc", {
      ...CLOUD_OPTIONS.dataproc,
      dataproc_num_workers: "0",
      retries: "1",
      retry_delay: "1",
    });
  }, 300_000);
  afterAll(() => ws.tearDown());

  it("a failed load: retried as a new job id, then the cluster is deleted and the run fails", async () => {
    const from = fake.calls.length;
    const r = await ws.runJob("load_shop", TAGS, googleEnv());
    expect(r.steps.load_shop_customers).toBe("STEP_SUCCESS");
    expect(r.steps.load_shop_orders).toBe("STEP_FAILURE");
    expect(r.attempts.load_shop_orders).toBe(2);
    expect(r.success).toBe(false);
    const calls = callsSince(from);
    const methods = calls.map((c) => c.method);
    const creates = calls.filter((c) => c.method === "CreateCluster").map((c) => c.request);
    expect(creates).toHaveLength(1);
    const cluster = creates[0]?.cluster as { clusterName: string; config: Record<string, unknown> };
    expect(cluster.clusterName).toMatch(/^sl-cluster-[0-9a-f]{8}$/);
    // a single node: no workers, and Dataproc told so
    expect(cluster.config.workerConfig).toBeUndefined();
    expect(args(cluster.config)).toContain('"dataproc:dataproc.allow.zero.workers":"true"');
    const jobs = calls
      .filter((c) => c.method === "SubmitJob")
      .map((c) => c.request.job as Record<string, Record<string, unknown>>);
    expect(jobs).toHaveLength(3);
    const ids = jobs.map((j) => j.reference?.jobId as string);
    expect(new Set(ids).size).toBe(3);
    const orders = ids.filter((id) => id.startsWith("load_shop_orders-"));
    expect(orders.map((id) => id.at(-1))).toEqual(["1", "2"]);
    for (const j of jobs) expect(j.placement).toEqual({ clusterName: cluster.clusterName });
    const customers = jobs.find((j) =>
      String(j.reference?.jobId).startsWith("load_shop_customers"),
    );
    expect(customers?.sparkJob).toMatchObject({
      mainClass: "ai.starlake.job.Main",
      jarFileUris: CLOUD_OPTIONS.dataproc.spark_jar_list.split(","),
      args: argvOf(ws, "load_shop_customers"),
      properties: expect.objectContaining({ "spark.executor.memory": "8g" }),
    });
    // the task's own properties over the pipeline's
    const order = jobs.find((j) => String(j.reference?.jobId).startsWith("load_shop_orders"));
    expect(order?.sparkJob?.properties).toMatchObject({ "spark.executor.memory": "16g" });
    // deleted once, after the last job, though a load failed
    const deletes = calls.filter((c) => c.method === "DeleteCluster");
    expect(deletes.map((c) => c.request.clusterName)).toEqual([cluster.clusterName]);
    expect(methods.lastIndexOf("DeleteCluster")).toBeGreaterThan(methods.lastIndexOf("GetJob"));
  }, 300_000);

  it("a run whose jobs succeed: one cluster, deleted; a second run gets its own cluster and job ids", async () => {
    const from = fake.calls.length;
    const first = await ws.runJob("t_kpi_revenue", TAGS, googleEnv());
    const middle = fake.calls.length;
    const second = await ws.runJob("t_kpi_revenue", TAGS, googleEnv());
    expect([first.success, second.success]).toEqual([true, true]);
    expect(first.materialized.map((m) => m.key)).toEqual(["kpi_revenue"]);
    const of = (calls: ReturnType<typeof callsSince>, method: string) =>
      calls.filter((c) => c.method === method).map((c) => c.request);
    const [a, b] = [callsSince(from).slice(0, middle - from), callsSince(middle)];
    const name = (calls: typeof a) =>
      (of(calls, "CreateCluster")[0]?.cluster as { clusterName?: string } | undefined)?.clusterName;
    expect(of(a, "DeleteCluster").map((q) => q.clusterName)).toEqual([name(a)]);
    expect(of(b, "DeleteCluster").map((q) => q.clusterName)).toEqual([name(b)]);
    expect(name(a)).toMatch(/^sl-cluster-[0-9a-f]{8}$/);
    expect(name(a)).not.toBe(name(b));
    const jobId = (calls: typeof a) =>
      (of(calls, "SubmitJob")[0]?.job as { reference?: { jobId?: string } } | undefined)?.reference
        ?.jobId;
    expect(jobId(a)).toMatch(/^kpi_revenue-[0-9a-f]{12}-1$/);
    expect(jobId(a)).not.toBe(jobId(b));
  }, 300_000);
});
