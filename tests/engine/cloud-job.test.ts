import { describe, expect, it } from "vitest";
import { attemptId, dataprocCluster } from "../../src/engine/cloud/cloud-job.js";
import type { DataprocEnvironment } from "../../src/pipeline/environment.js";

// The ids an engine run gives the cloud: unique per attempt and per run (a run's key is its id
// and its creation time), within what the clouds accept.

describe("cloud ids of the engine's attempts", () => {
  it("a job id per attempt: the task, 12 hex digits of pipeline, run and task, the attempt", () => {
    const a = attemptId("load_shop", "load_shop__20240305T020000@2024-03-05T02:00:01.000Z", "t", 1);
    expect(a).toMatch(/^t-[0-9a-f]{12}-1$/);
    expect(
      attemptId("load_shop", "load_shop__20240305T020000@2024-03-05T02:00:01.000Z", "t", 2),
    ).toBe(a.replace(/-1$/, "-2"));
    // the same run id created elsewhere (another state database): another id
    expect(
      attemptId("load_shop", "load_shop__20240305T020000@2024-03-05T02:00:02.000Z", "t", 1),
    ).not.toBe(a);
    expect(
      attemptId("other", "load_shop__20240305T020000@2024-03-05T02:00:01.000Z", "t", 1),
    ).not.toBe(a);
  });

  it("characters no cloud id takes become _, and the id stays within Dataproc's 100", () => {
    const id = attemptId("p", "r", `${"x.y z/é".repeat(30)}`, 12);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.length).toBeLessThanOrEqual(100);
  });

  it("the cluster of a run: the prefix and 8 hex digits, at most 51 characters", () => {
    const e = {
      kind: "dataproc",
      env: { SL_ROOT: "gs://b/p" },
      project: "my-project",
      region: "europe-west1",
      cluster: { name: "a".repeat(42) },
    } as unknown as DataprocEnvironment;
    const one = dataprocCluster(e, "load_shop", "r1@t1");
    expect(one.name).toMatch(/^a{42}-[0-9a-f]{8}$/);
    expect(one.name.length).toBe(51);
    expect(dataprocCluster(e, "load_shop", "r1@t1").name).toBe(one.name); // a resumed run
    expect(dataprocCluster(e, "load_shop", "r2@t2").name).not.toBe(one.name);
    expect(one).toMatchObject({ project: "my-project", region: "europe-west1", env: e.env });
  });
});
