import { DescribeTasksCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ecsClient,
  fargateSetup,
  type MotoServer,
  runTaskRequests,
  startMoto,
} from "../support/moto-server.js";

// The shared moto fixture itself: it starts, answers ECS calls with the exit-code knob, records
// what RunTask received, and stops.
describe("moto server fixture", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });

  async function runOnce(setup: Awaited<ReturnType<typeof fargateSetup>>, command: string[]) {
    const ecs = ecsClient(moto);
    try {
      const started = await ecs.send(
        new RunTaskCommand({
          cluster: setup.cluster,
          taskDefinition: setup.taskDefinition,
          launchType: "FARGATE",
          networkConfiguration: {
            awsvpcConfiguration: { subnets: [setup.subnet], securityGroups: [setup.securityGroup] },
          },
          overrides: { containerOverrides: [{ name: setup.container, command }] },
        }),
      );
      const arn = started.tasks?.[0]?.taskArn ?? "";
      for (let i = 0; i < 10; i++) {
        const seen = await ecs.send(
          new DescribeTasksCommand({ cluster: setup.cluster, tasks: [arn] }),
        );
        const task = seen.tasks?.[0];
        if (task?.lastStatus === "STOPPED") return task.containers?.[0];
      }
      throw new Error("the task never stopped");
    } finally {
      ecs.destroy();
    }
  }

  it("runs Fargate tasks whose container exits with the label's code, and records RunTask", async () => {
    const ok = await fargateSetup(moto, { cluster: "c1", family: "fine" });
    const failing = await fargateSetup(moto, {
      cluster: "c1",
      family: "failing",
      exitCode: 3,
      exitWhen: "bad",
    });
    expect(ok.subnet).toMatch(/^subnet-[0-9a-f]+$/);
    expect(ok.securityGroup).toMatch(/^sg-[0-9a-f]+$/);
    expect(await runOnce(ok, ["load", "good"])).toMatchObject({
      exitCode: 0,
      lastStatus: "STOPPED",
    });
    expect((await runOnce(failing, ["load", "bad"]))?.exitCode).toBe(3);
    expect((await runOnce(failing, ["load", "good"]))?.exitCode).toBe(0);
    const seen = await runTaskRequests(moto);
    expect(seen.map((r) => r.overrides?.containerOverrides?.[0]?.command)).toEqual([
      ["load", "good"],
      ["load", "bad"],
      ["load", "good"],
    ]);
    expect(seen[0]).toMatchObject({ cluster: "c1", taskDefinition: "fine", launchType: "FARGATE" });
  }, 60_000);

  it("stops: the port no longer answers", async () => {
    const other = await startMoto();
    await other.stop();
    await expect(
      fetch(`${other.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5_000) }),
    ).rejects.toThrow();
  }, 120_000);
});
