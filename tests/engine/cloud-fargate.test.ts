import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envDag } from "../helpers/cloud-projects.js";
import { baseProject, fixture } from "../helpers/fixture.js";
import {
  ecsRequests,
  type FargateSetup,
  fargateSetup,
  type MotoServer,
  runTaskRequests,
  setTaskProgression,
  startMoto,
} from "../support/moto-server.js";

// `slo run` (the built CLI) runs Fargate pipelines through the AWS SDK against moto on
// 127.0.0.1: RunTask with the task's overrides, success and failure from the container's exit
// code (moto-server.py's knob), a stopped run stopping its ECS tasks.

const BIN = resolve("dist/cli/bin.js");
let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

function project(setup: FargateSetup, extra: Record<string, string> = {}, slEnv?: string): string {
  const options = {
    aws_cluster_name: setup.cluster,
    aws_task_definition_name: setup.taskDefinition,
    aws_task_definition_container_name: setup.container,
    aws_task_private_subnets: setup.subnet,
    aws_task_security_groups: setup.securityGroup,
    aws_region: moto.region,
    fargate_async: "true",
    fargate_async_poke_interval: "1",
    ...extra,
  };
  return fixture(
    baseProject({
      "metadata/dags/load_all.sl.yml": envDag(
        "load",
        "fargate",
        "load_{{domain}}.py",
        options,
        slEnv,
      ),
    }),
  );
}

function slo(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, "run", dir, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...moto.env },
  });
}

interface RunJson {
  runs: { state: string; tasks: { taskId: string; state: string; note?: string | null }[] }[];
}

/** The log of attempt `n` of a task of the run (under the project's .slo/). */
function attemptLog(dir: string, task: string, n: number): string {
  const logs = join(dir, ".slo", "logs");
  const run = readdirSync(logs).find((d) => d.startsWith("load_shop__")) ?? "";
  return readFileSync(join(logs, run, `${task}.${n}.log`), "utf8");
}

const tasksOf = (stdout: string) =>
  Object.fromEntries(
    (JSON.parse(stdout) as RunJson).runs[0]?.tasks.map((t) => [
      t.taskId,
      [t.state, t.note ?? ""],
    ]) ?? [],
  );

describe("the engine runs Fargate tasks on ECS", () => {
  it("starts each task with its overrides and succeeds on exit code 0", async () => {
    const setup = await fargateSetup(moto, { cluster: "ok-cluster", family: "starlake-ok" });
    const dir = project(setup);
    const before = (await runTaskRequests(moto)).length;
    const r = slo(dir, ["--pipeline", "load_shop", "--date", "2024-03-05T02:00:00Z", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const seen = (await runTaskRequests(moto)).slice(before);
    const byTable = (t: string) =>
      seen.find((s) => s.overrides?.containerOverrides?.[0]?.command?.includes(t));
    for (const table of ["orders", "customers"]) {
      const request = byTable(table);
      expect(request).toMatchObject({
        cluster: "ok-cluster",
        taskDefinition: "starlake-ok",
        launchType: "FARGATE",
        count: 1,
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [setup.subnet],
            securityGroups: [setup.securityGroup],
            assignPublicIp: "DISABLED",
          },
        },
      });
      // the argv every runner produces, without the executable; one string per argument
      expect(request?.overrides?.containerOverrides).toEqual([
        {
          name: "starlake",
          command: [
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
          environment: [{ name: "SL_ROOT", value: "/srv/p" }],
          cpu: 1024,
          memory: 2048,
        },
      ]);
    }
    expect(seen).toHaveLength(2);
    expect(tasksOf(r.stdout)).toMatchObject({
      load_shop_orders: ["success", ""],
      load_shop_customers: ["success", ""],
    });
    // the cloud's id of the attempt is in its log
    const log = attemptLog(dir, "load_shop_orders", 1);
    expect(log).toMatch(
      /started ECS task arn:aws:ecs:eu-west-3:[0-9]+:task\/ok-cluster\/[0-9a-f-]+ \(attempt load_shop_orders-[0-9a-f]{12}-1\)/,
    );
    expect(log).toContain("container starlake exited with 0");
  }, 120_000);

  it("fails a task whose container exits non-zero; a retry is a new ECS task; no variables, no environment override", async () => {
    const setup = await fargateSetup(moto, {
      cluster: "bad-cluster",
      family: "starlake-bad",
      exitCode: 3,
      exitWhen: "orders",
    });
    await setTaskProgression(moto, "immediate");
    try {
      const dir = project(
        setup,
        { cpu: "512", memory: "1024", fargate_async: "false", retry_delay: "0" },
        "{}",
      );
      const before = (await runTaskRequests(moto)).length;
      const r = slo(dir, ["--pipeline", "load_shop", "--retries", "1", "--json"]);
      expect(r.status).toBe(1);
      expect(tasksOf(r.stdout)).toMatchObject({
        load_shop_orders: ["failed", "exit code 3"],
        load_shop_customers: ["success", ""],
      });
      const seen = (await runTaskRequests(moto)).slice(before);
      const orders = seen.filter((s) =>
        s.overrides?.containerOverrides?.[0]?.command?.includes("orders"),
      );
      expect(orders).toHaveLength(2); // the attempt and its retry
      expect(new Set(orders.map((o) => o.startedBy)).size).toBe(2);
      expect(orders.map((o) => o.startedBy)).toEqual([
        expect.stringMatching(/-1$/),
        expect.stringMatching(/-2$/),
      ]);
      for (const o of seen) {
        const container = o.overrides?.containerOverrides?.[0];
        expect(container).not.toHaveProperty("environment");
        expect(container).toMatchObject({ cpu: 512, memory: 1024 });
      }
      expect(attemptLog(dir, "load_shop_orders", 2)).toContain("container starlake exited with 3");
    } finally {
      await setTaskProgression(moto, "manual");
    }
  }, 120_000);

  it("a stopped run stops its ECS tasks (SIGTERM: each attempt calls StopTask before it exits)", async () => {
    const setup = await fargateSetup(moto, { cluster: "stop-cluster", family: "starlake-stop" });
    // tasks that never stop by themselves
    const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
      method: "POST",
      body: JSON.stringify({
        model_name: "ecs::task",
        transition: { progression: "manual", times: 1_000_000 },
      }),
    });
    expect(res.ok).toBe(true);
    try {
      const dir = project(setup);
      const before = (await runTaskRequests(moto)).length;
      const child = spawn(process.execPath, [BIN, "run", dir, "--pipeline", "load_shop"], {
        env: { PATH: process.env.PATH ?? "", HOME: dir, ...moto.env },
        stdio: "ignore",
        timeout: 120_000,
      });
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      for (let i = 0; i < 600 && (await runTaskRequests(moto)).length < before + 2; i++)
        await new Promise((r) => setTimeout(r, 100));
      // both attempts have logged their task: they are polling it
      const started = () =>
        ["load_shop_orders", "load_shop_customers"].every((t) => {
          try {
            return attemptLog(dir, t, 1).includes("started ECS task");
          } catch {
            return false;
          }
        });
      for (let i = 0; i < 600 && !started(); i++) await new Promise((r) => setTimeout(r, 100));
      child.kill("SIGTERM");
      expect(await exited).toBe(130);
      const stops = (await ecsRequests(moto, "StopTask")) as { cluster: string; task: string }[];
      const arns = ["load_shop_orders", "load_shop_customers"].map(
        (t) => /started ECS task (\S+)/.exec(attemptLog(dir, t, 1))?.[1],
      );
      expect(
        stops
          .filter((s) => s.cluster === "stop-cluster")
          .map((s) => s.task)
          .sort(),
      ).toEqual([...arns].sort());
      expect(attemptLog(dir, "load_shop_orders", 1)).toContain("stopped ECS task");
    } finally {
      await setTaskProgression(moto, "manual");
    }
  }, 120_000);
});
