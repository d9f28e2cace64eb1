import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { v1 as dataproc, protos as dataprocProtos } from "@google-cloud/dataproc";
import { v2 as run, protos as runProtos } from "@google-cloud/run";
import { credentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonEnv } from "../../helpers/python-env.js";
import { type FakeGoogle, startFakeGoogle } from "./server.js";

// An operation's result is decoded from a google.protobuf.Any: its enums come back as numbers
const Condition = runProtos.google.cloud.run.v2.Condition.State;
const ClusterState = dataprocProtos.google.cloud.dataproc.v1.ClusterStatus.State;

/** The fake, driven by Google's own Node clients (gRPC, no credentials, 127.0.0.1). */
let fake: FakeGoogle;
const options = () => ({
  apiEndpoint: "127.0.0.1",
  port: fake.port,
  sslCreds: credentials.createInsecure(),
  universeDomain: "googleapis.com",
});
const JOB = "projects/p1/locations/europe-west1/jobs/starlake";
const where = { projectId: "p1", region: "europe-west1" };

beforeAll(async () => {
  fake = await startFakeGoogle({ checksBeforeDone: 1 });
  fake.failWhenever(({ method, request }) =>
    JSON.stringify(request).includes("make-it-fail") ? `${method} told to fail` : undefined,
  );
});
afterAll(async () => fake.stop());

describe("fake Cloud Run v2", () => {
  const jobs = () => new run.JobsClient(options());

  it("RunJob records the overrides and the execution succeeds after the checks", async () => {
    const overrides = {
      containerOverrides: [
        { args: ["load", "--domains", "shop"], env: [{ name: "SL_ROOT", value: "gs://b/p" }] },
      ],
    };
    const [operation] = await jobs().runJob({ name: JOB, overrides });
    expect(operation.done).toBe(false);
    const [execution] = await operation.promise();
    expect(execution.name).toMatch(new RegExp(`^${JOB}/executions/starlake-[0-9a-f]{5}$`));
    expect(execution.succeededCount).toBe(1);
    expect(execution.failedCount ?? 0).toBe(0);
    expect(execution.conditions?.[0]).toMatchObject({
      type: "Completed",
      state: Condition.CONDITION_SUCCEEDED,
    });
    expect(fake.requestsOf("RunJob").at(-1)).toEqual({ name: JOB, overrides });
    const executions = new run.ExecutionsClient(options());
    const [again] = await executions.getExecution({ name: execution.name ?? "" });
    expect(again.completionTime).toBeTruthy();
  });

  it("a failing execution ends its operation with an error and counts a failed task", async () => {
    const overrides = { containerOverrides: [{ args: ["make-it-fail"] }] };
    const [operation] = await jobs().runJob({ name: JOB, overrides });
    await expect(operation.promise()).rejects.toThrow(/RunJob told to fail/);
    const name = (operation.metadata as { name?: string }).name ?? "";
    const [execution] = await new run.ExecutionsClient(options()).getExecution({ name });
    expect(execution.failedCount).toBe(1);
    expect(execution.conditions?.[0]).toMatchObject({
      state: "CONDITION_FAILED",
      message: "RunJob told to fail",
    });
  });

  it("polling the execution alone also finishes it (no operation poll needed)", async () => {
    const [operation] = await jobs().runJob({ name: JOB });
    const name = (operation.metadata as { name?: string }).name ?? "";
    const executions = new run.ExecutionsClient(options());
    const states: (string | null | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const [e] = await executions.getExecution({ name });
      states.push(e.completionTime ? "done" : "running");
    }
    expect(states).toEqual(["running", "done", "done"]);
  });

  it("CancelExecution ends a running execution as cancelled, and its RunJob operation with CANCELLED", async () => {
    fake.checksBeforeDone = 100;
    try {
      const [operation] = await jobs().runJob({ name: JOB });
      const name = (operation.metadata as { name?: string }).name ?? "";
      const executions = new run.ExecutionsClient(options());
      const [cancel] = await executions.cancelExecution({ name });
      const [cancelled] = await cancel.promise();
      expect(cancelled.cancelledCount).toBe(1);
      expect(cancelled.completionTime).toBeTruthy();
      await expect(operation.promise()).rejects.toThrow(/was cancelled/);
      await expect(executions.cancelExecution({ name })).rejects.toThrow(/FAILED_PRECONDITION/);
      expect(fake.requestsOf("CancelExecution")).toContainEqual({ name });
    } finally {
      fake.checksBeforeDone = 1;
    }
  });

  it("refuses a malformed job name, and answers unknown methods UNIMPLEMENTED", async () => {
    await expect(jobs().runJob({ name: "starlake" })).rejects.toThrow(
      /INVALID_ARGUMENT.*bad job name/,
    );
    await expect(jobs().deleteJob({ name: JOB })).rejects.toThrow(/UNIMPLEMENTED/);
    expect(fake.requestsOf("DeleteJob")).toEqual([{ name: JOB }]);
    // the metadata is recorded: the routing header, and no credential from an insecure client
    const call = fake.calls.findLast((c) => c.method.endsWith("/DeleteJob"));
    expect(call?.metadata?.["x-goog-request-params"]).toBe("location=europe-west1");
    expect(call?.metadata?.authorization).toBeUndefined();
  });
});

describe("fake Dataproc v1", () => {
  const clusters = () => new dataproc.ClusterControllerClient(options());
  const jobs = () => new dataproc.JobControllerClient(options());
  const spark = (id: string, cluster: string, args: string[]) => ({
    reference: { jobId: id },
    placement: { clusterName: cluster },
    sparkJob: {
      jarFileUris: ["gs://b/starlake.jar"],
      mainClass: "ai.starlake.job.Main",
      args,
      properties: { "spark.executor.memory": "8g" },
    },
  });

  it("creates a cluster, runs jobs on it, refuses a reused id, deletes it", async () => {
    const cluster = {
      clusterName: "sl-1",
      config: { gceClusterConfig: { subnetworkUri: "default" } },
    };
    const [create] = await clusters().createCluster({ ...where, cluster });
    const [created] = await create.promise();
    expect(created.status?.state).toBe(ClusterState.RUNNING);
    await expect(clusters().createCluster({ ...where, cluster })).rejects.toThrow(/ALREADY_EXISTS/);

    const [job] = await jobs().submitJob({ ...where, job: spark("load-1", "sl-1", ["load"]) });
    expect(job.status?.state).toBe("PENDING");
    expect(job.placement?.clusterUuid).toBe(created.clusterUuid);
    const states: unknown[] = [];
    for (let i = 0; i < 3; i++)
      states.push((await jobs().getJob({ ...where, jobId: "load-1" }))[0].status?.state);
    expect(states).toEqual(["PENDING", "DONE", "DONE"]);
    await expect(
      jobs().submitJob({ ...where, job: spark("load-1", "sl-1", ["load"]) }),
    ).rejects.toThrow(/ALREADY_EXISTS/);
    const [failing] = await jobs().submitJobAsOperation({
      ...where,
      job: spark("load-2", "sl-1", ["make-it-fail"]),
    });
    await expect(failing.promise()).rejects.toThrow(/SubmitJob told to fail/);
    expect((await jobs().getJob({ ...where, jobId: "load-2" }))[0].status).toMatchObject({
      state: "ERROR",
      details: "SubmitJob told to fail",
    });

    const [del] = await clusters().deleteCluster({ ...where, clusterName: "sl-1" });
    await del.promise();
    await expect(clusters().getCluster({ ...where, clusterName: "sl-1" })).rejects.toThrow(
      /NOT_FOUND/,
    );
    const submitted = fake.requestsOf("google.cloud.dataproc.v1.JobController/SubmitJob")[0];
    expect(submitted).toEqual({ ...where, job: spark("load-1", "sl-1", ["load"]) });
  });

  it("CancelJob: a running job is CANCEL_PENDING, then CANCELLED; a finished one cannot be", async () => {
    await (
      await clusters().createCluster({ ...where, cluster: { clusterName: "sl-2" } })
    )[0].promise();
    fake.checksBeforeDone = 100;
    try {
      await jobs().submitJob({ ...where, job: spark("long-1", "sl-2", ["load"]) });
      const [pending] = await jobs().cancelJob({ ...where, jobId: "long-1" });
      expect(pending.status?.state).toBe("CANCEL_PENDING");
      const [after] = await jobs().getJob({ ...where, jobId: "long-1" });
      expect(after.status?.state).toBe("CANCELLED");
      await expect(jobs().cancelJob({ ...where, jobId: "long-1" })).rejects.toThrow(
        /FAILED_PRECONDITION.*CANCELLED/,
      );
    } finally {
      fake.checksBeforeDone = 1;
    }
  });

  it("refuses a job on a cluster that does not run", async () => {
    await expect(jobs().submitJob({ ...where, job: spark("x", "nope", []) })).rejects.toThrow(
      /FAILED_PRECONDITION.*not RUNNING/,
    );
  });
});

describe("Google's Python clients, gRPC through python/sitecustomize.py, and REST", () => {
  it("run a job (sync, async, failing), create a cluster, run a job on it, delete it", async () => {
    const before = fake.calls.length;
    // never execFileSync: the fake answers from this process's event loop
    const { stdout } = await promisify(execFile)(
      join(pythonEnv("airflow-cloud"), "bin/python"),
      ["tests/support/fake-google/python/drive_clients.py"],
      {
        encoding: "utf8",
        timeout: 120_000,
        env: {
          ...process.env,
          PYTHONPATH: "tests/support/fake-google/python",
          SLO_FAKE_GOOGLE: fake.endpoint,
          SLO_FAKE_GOOGLE_REST: fake.restUrl,
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({
      run_ok: { succeeded: 1, job: "starlake" },
      run_failed: expect.stringContaining("RunJob told to fail"),
      run_async: 1,
      cluster: "RUNNING",
      job_states: ["PENDING", "PENDING", "DONE"], // the submit, then two checks (one before done)
      deleted: true,
      rest_run_ok: { succeeded: 1, done: true },
      rest_run_failed: expect.stringContaining("RunJob told to fail"),
      rest_cluster: "RUNNING",
      rest_job: ["PENDING", "DONE"],
      rest_deleted: true,
    });
    // over REST, path variables, query parameters and the body make the same request
    expect(fake.requestsOf("SubmitJob").at(-1)).toEqual({
      ...where,
      job: {
        reference: { jobId: "rest-job-1" },
        placement: { clusterName: "rest-1" },
        sparkJob: { mainClass: "ai.starlake.job.Main", args: ["load"] },
      },
    });
    const methods = fake.calls.slice(before).map((c) => c.method.split(".").at(-1));
    expect(methods).toContain("Operations/GetOperation");
    expect(fake.requestsOf("RunJob")).toContainEqual({
      name: JOB,
      overrides: { containerOverrides: [{ args: ["load"], env: [{ name: "A", value: "b" }] }] },
    });
  });
});
