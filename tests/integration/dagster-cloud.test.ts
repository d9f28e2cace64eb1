import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import type { Task } from "../../src/pipeline/pipeline.js";
import { starlakeArgv } from "../../src/starlake/command-line.js";
import { CLOUD_OPTIONS, type CloudName } from "../helpers/cloud-projects.js";
import {
  ecsRequests,
  type FargateSetup,
  fargateSetup,
  type MotoServer,
  runTaskRequests,
  setTaskProgression,
  startMoto,
} from "../support/moto-server.js";
import { CloudWorkspace, envList, HOSTILE_ENV } from "./dagster-cloud-workspace.js";

/**
 * Generated Dagster definitions of the cloud environments in real Dagster 1.13 with dagster-aws,
 * dagster-gcp and the Google and AWS clients installed: they load and validate, and Fargate
 * pipelines run in process against moto's ECS on 127.0.0.1.
 */
const ISO = "2024-03-05T02:00:00Z";
const TAGS = { sl_scheduled_date: "2024-03-05T02:00:00+0000" };

describe("definitions of every cloud environment load and validate", () => {
  const envs: CloudName[] = ["cloud_run", "dataproc", "fargate"];
  for (const env of envs)
    it(`${env}: dagster definitions validate, no warning, ruff-clean`, async () => {
      const ws = new CloudWorkspace();
      try {
        await ws.setUp(env, CLOUD_OPTIONS[env]);
        const r = ws.validate();
        expect(r.code, r.output).toBe(0);
        expect(r.output).toMatch(/Validation successful/i);
        // the one warning is Dagster's own, about its CLI command: none from the definitions
        const own = /^.*SupersessionWarning: Function `definitions_validate_command`.*\n.*\n?/m;
        expect(r.output.replace(own, "")).not.toMatch(/warn/i);
        expect(ws.ruff()).toBe("");
        const loaded = ws.load();
        expect(loaded.warnings).toBe("");
        expect(loaded.jobs).toBe(ws.pipelines.length);
      } finally {
        ws.tearDown();
      }
    }, 300_000);
});

describe("Fargate runs in process against moto (ECS RunTask)", () => {
  let moto: MotoServer;
  let ecs: FargateSetup;
  const ws = new CloudWorkspace();
  beforeAll(async () => {
    moto = await startMoto();
    // every task's container exits with 3 when its command loads orders (one failing task)
    ecs = await fargateSetup(moto, { exitCode: 3, exitWhen: "--tables orders" });
    await ws.setUp(
      "fargate",
      {
        ...CLOUD_OPTIONS.fargate,
        aws_region: moto.region,
        aws_cluster_name: ecs.cluster,
        aws_task_definition_name: ecs.taskDefinition,
        aws_task_definition_container_name: ecs.container,
        aws_task_private_subnets: ecs.subnet,
        aws_task_security_groups: ecs.securityGroup,
        cpu: "512",
        memory: "1024",
        fargate_async_poke_interval: "1",
        retries: "1",
        retry_delay: "1",
      },
      HOSTILE_ENV,
    );
  }, 900_000);
  afterAll(async () => {
    ws.tearDown();
    await moto?.stop();
  });

  const argvOf = (taskId: string) => {
    const p = ws.pipeline("load_shop");
    const task = p.tasks.find((t) => t.id === taskId) as Task;
    return starlakeArgv(task, p.environment.env, runValues(p, new Date(ISO)));
  };

  it("hostile variables are in the plan as written (what the requests below must carry)", () => {
    expect(ws.pipeline("load_shop").environment.env.SL_WEIRD).toContain("$(touch /tmp/slo-pwned)");
  });

  it("each task is one RunTask with its overrides; exit code 0 succeeds, 3 fails after its retry", async () => {
    // moto's tasks walk RUNNING … STOPPED one step per DescribeTasks: the step polls until STOPPED
    const r = await ws.runJob("load_shop", TAGS, moto.env);
    expect(r.steps.load_shop_customers).toBe("STEP_SUCCESS");
    expect(r.steps.load_shop_orders).toBe("STEP_FAILURE");
    expect(r.attempts.load_shop_orders).toBe(2);
    expect(r.success).toBe(false);
    const requests = await runTaskRequests(moto);
    const command = (q: (typeof requests)[number]) =>
      q.overrides?.containerOverrides?.[0]?.command?.join(" ") ?? "";
    const customers = requests.filter((q) => command(q).includes("--tables customers"));
    const orders = requests.filter((q) => command(q).includes("--tables orders"));
    expect([customers.length, orders.length]).toEqual([1, 2]);
    expect(customers[0]).toMatchObject({
      cluster: ecs.cluster,
      taskDefinition: ecs.taskDefinition,
      launchType: "FARGATE",
      count: 1,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [ecs.subnet],
          securityGroups: [ecs.securityGroup],
          assignPublicIp: "DISABLED",
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: ecs.container,
            // the argv every runner produces, without the executable: the image's Starlake
            command: argvOf("load_shop_customers"),
            // hostile values arrive verbatim, in the argv's --options and as the environment
            environment: envList(ws.pipeline("load_shop").environment.env),
            cpu: 512,
            memory: 1024,
          },
        ],
      },
    });
    expect(orders[0]?.overrides?.containerOverrides?.[0]?.command).toEqual(
      argvOf("load_shop_orders"),
    );
    // a retry is a new task, never the same idempotency token
    const tokens = requests.map((q) => (q as { clientToken?: string }).clientToken);
    expect(new Set(tokens).size).toBe(3);
    expect(r.messages.some(([, m]) => /exited with 3/.test(m))).toBe(true);
  }, 300_000);

  it("a task still running at the step's timeout is stopped (StopTask) and fails the step", async () => {
    // moto's tasks stay RUNNING for many DescribeTasks
    const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
      method: "POST",
      body: JSON.stringify({
        model_name: "ecs::task",
        transition: { progression: "manual", times: 1000 },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.ok).toBe(true);
    const timed = new CloudWorkspace();
    try {
      timed.setUpPipelines(
        ws.pipelines.map((p) => ({ ...p, defaults: { ...p.defaults, timeout: 3, retries: 0 } })),
      );
      const r = await timed.runJob("t_kpi_revenue", TAGS, moto.env);
      expect(r.success).toBe(false);
      expect(Object.values(r.steps)).toContain("STEP_FAILURE");
      const started = (await runTaskRequests(moto)).at(-1);
      expect(started?.overrides?.containerOverrides?.[0]?.command?.[0]).toBe("transform");
      const stops = await ecsRequests(moto, "StopTask");
      expect(stops).toHaveLength(1);
      expect(stops[0]).toMatchObject({ cluster: ecs.cluster });
    } finally {
      timed.tearDown();
    }
  }, 300_000);

  it("a run whose containers all exit with 0 succeeds and reports its tables", async () => {
    await setTaskProgression(moto, "immediate");
    const before = (await runTaskRequests(moto)).length;
    const r = await ws.runJob("t_kpi_revenue", TAGS, moto.env);
    expect(r.success).toBe(true);
    expect(Object.values(r.steps)).toContain("STEP_SUCCESS");
    const after = await runTaskRequests(moto);
    expect(after.length - before).toBe(1);
    expect(after.at(-1)?.overrides?.containerOverrides?.[0]?.command?.[0]).toBe("transform");
    expect(r.materialized.map((m) => m.key)).toEqual(["kpi_revenue"]);
  }, 300_000);
});
