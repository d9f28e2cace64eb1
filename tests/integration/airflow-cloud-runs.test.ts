import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOUD_OPTIONS } from "../helpers/cloud-projects.js";
import { runTaskRequests } from "../support/moto-server.js";
import { AirflowCloud, cloudArgv, pipelineOf } from "./airflow-cloud-workspace.js";

/**
 * Generated cloud DAGs run (`dag.test()`) in real Airflow 3.3 with the Google and Amazon
 * providers: Cloud Run and Dataproc against the local fake of Google's APIs
 * (tests/support/fake-google), Fargate against moto. What the operators sent is read from the
 * fake's and moto's records.
 */
const af = new AirflowCloud();
beforeAll(() => af.start(), 900_000);
afterAll(() => af.stop());

describe("Cloud Run in real Airflow 3.3 against the fake Google APIs", () => {
  for (const mode of ["async", "sync"] as const) {
    it(`${mode}: one execution per task with the argv and variables as overrides; a failed one fails the run`, async () => {
      const { dir, pipelines } = await af.generate(`cloud_run_${mode}`, "cloud_run", {
        ...CLOUD_OPTIONS.cloud_run,
        cloud_run_async: mode === "async" ? "true" : "false",
        cloud_run_async_poke_interval: "1",
        retries: "0",
      });
      const p = pipelineOf(pipelines, "load_shop");
      af.failing = undefined;
      const before = af.fake.calls.length;
      const ok = await af.runDag(dir, "load_shop", "2024-03-05T02:00:00+00:00");
      expect(ok.state, ok.log.slice(-3000)).toBe("success");
      // async releases the worker: the task defers and Airflow's trigger polls the operation
      expect(ok.log.includes("Pausing task as DEFERRED")).toBe(mode === "async");
      const runs = af.since(before, "RunJob");
      const loads = p.tasks.filter((t) => t.command !== undefined).map((t) => t.id);
      expect(runs).toHaveLength(loads.length);
      for (const request of runs) {
        expect(request.name).toBe("projects/my-project/locations/europe-west4/jobs/starlake-job");
        const container = (request.overrides as { containerOverrides: Record<string, unknown>[] })
          .containerOverrides[0];
        expect(container?.env).toEqual([{ name: "SL_ROOT", value: "/srv/p" }]);
      }
      const argvs = runs.map(
        (r) =>
          (r.overrides as { containerOverrides: { args: string[] }[] }).containerOverrides[0]?.args,
      );
      expect(argvs.sort()).toEqual(
        loads
          .map((id) => cloudArgv(p, id, "2024-03-05T02:00:00+0000", "2024-03-04T02:00:00+0000"))
          .sort(),
      );

      af.failing = "orders";
      const bad = await af.runDag(dir, "load_shop", "2024-03-06T02:00:00+00:00");
      expect(bad.state).toBe("failed");
      expect(bad.tasks).toMatchObject({
        load_shop_orders: "failed",
        load_shop_customers: "success",
      });
    }, 600_000);
  }
});

describe("Dataproc in real Airflow 3.3 against the fake Google APIs", () => {
  const JOB_ID = (task: string) => new RegExp(`^${task}-[0-9a-f]{12}-(\\d+)$`);
  type Job = {
    reference: { jobId: string };
    placement: { clusterName: string };
    sparkJob: {
      jarFileUris: string[];
      mainClass: string;
      args: string[];
      properties: Record<string, string>;
    };
  };
  const jobsOf = (n: number) => af.since(n, "SubmitJob").map((r) => r.job as Job);

  it("a cluster per run, a Spark job per task (jars, main class, properties, per-task overrides), then deleted", async () => {
    const { dir, pipelines } = await af.generate("dataproc", "dataproc", {
      ...CLOUD_OPTIONS.dataproc,
      spark_properties: '{"spark.sql.shuffle.partitions": "64"}',
    });
    const p = pipelineOf(pipelines, "load_shop");
    af.failing = undefined;
    const before = af.fake.calls.length;
    const r = await af.runDag(dir, "load_shop", "2024-03-05T02:00:00+00:00");
    expect(r.state, r.log.slice(-3000)).toBe("success");
    const [create] = af.since(before, "CreateCluster") as { cluster: Record<string, never> }[];
    const cluster = create?.cluster as unknown as {
      clusterName: string;
      config: Record<string, Record<string, unknown>>;
    };
    expect(create).toMatchObject({ projectId: "my-project", region: "europe-west1" });
    expect(cluster.clusterName).toMatch(/^sl-cluster-[0-9a-f]{8}$/);
    expect(cluster.config.workerConfig?.numInstances).toBe(4);
    const jobs = jobsOf(before);
    expect(jobs.map((j) => j.reference.jobId.replace(/-.*/, "")).sort()).toEqual(
      ["load_shop_customers", "load_shop_orders"].map((x) => x.replace(/-.*/, "")),
    );
    for (const job of jobs) {
      const task = job.reference.jobId.replace(/-[0-9a-f]{12}-\d+$/, "");
      expect(job.reference.jobId).toMatch(JOB_ID(task));
      expect(job.placement.clusterName).toBe(cluster.clusterName);
      expect(job.sparkJob.jarFileUris).toEqual([
        "gs://my-bucket/jars/starlake.jar",
        "gs://my-bucket/jars/deps.jar",
      ]);
      expect(job.sparkJob.mainClass).toBe("ai.starlake.job.Main");
      expect(job.sparkJob.args).toEqual(
        cloudArgv(p, task, "2024-03-05T02:00:00+0000", "2024-03-04T02:00:00+0000"),
      );
      expect(job.sparkJob.properties).toMatchObject({
        "spark.sql.shuffle.partitions": "64",
        "spark.executor.memory": task === "load_shop_orders" ? "16g" : "8g",
      });
    }
    const deletes = af.since(before, "DeleteCluster");
    expect(deletes).toEqual([
      expect.objectContaining({
        projectId: "my-project",
        region: "europe-west1",
        clusterName: cluster.clusterName,
      }),
    ]);
    // deleted after every job was submitted, and gone
    const order = af.fake.calls.slice(before).map((c) => c.method.split("/")[1]);
    expect(order.lastIndexOf("SubmitJob")).toBeLessThan(order.indexOf("DeleteCluster"));
    expect(af.fake.dataproc.clusters.size).toBe(0);
  }, 600_000);

  it("a failed load fails the run, its retry is a new job id, and the single-node cluster is still deleted", async () => {
    const { dir } = await af.generate("dataproc_fail", "dataproc", {
      ...CLOUD_OPTIONS.dataproc,
      dataproc_num_workers: "0",
      retries: "1",
      retry_delay: "1",
    });
    af.failing = "orders";
    const before = af.fake.calls.length;
    const r = await af.runDag(dir, "load_shop", "2024-03-07T02:00:00+00:00");
    expect(r.state).toBe("failed");
    expect(r.tasks).toMatchObject({
      create_load_shop_cluster: "success",
      load_shop_orders: "failed",
      load_shop_customers: "success",
      delete_load_shop_cluster: "success",
    });
    const [create] = af.since(before, "CreateCluster") as {
      cluster: { config: Record<string, Record<string, unknown>> };
    }[];
    expect(create?.cluster.config.workerConfig).toBeUndefined();
    expect(create?.cluster.config.softwareConfig?.properties).toMatchObject({
      "dataproc:dataproc.allow.zero.workers": "true",
    });
    const orders = jobsOf(before)
      .map((j) => j.reference.jobId)
      .filter((id) => id.startsWith("load_shop_orders-"));
    expect(orders.map((id) => JOB_ID("load_shop_orders").exec(id)?.[1])).toEqual(["1", "2"]);
    expect(new Set(orders).size).toBe(2);
    expect(af.since(before, "DeleteCluster")).toHaveLength(1);
    expect(af.fake.dataproc.clusters.size).toBe(0);
  }, 600_000);
});

// What a container must get verbatim: quotes, a command substitution, Jinja markup, CR and LF.
// {% raw %}: slo renders an option's Jinja (project variables) first.
const WEIRD = "a'b\"c $(touch /tmp/slo-pwned) `id` {{not_a_var}} café \\ end\n";
const HOSTILE = { SL_ROOT: "gs://b/p", SL_WEIRD: WEIRD, SL_CR: "a\rb\r\nc" };
const HOSTILE_ENV = JSON.stringify({
  ...HOSTILE,
  SL_WEIRD: WEIRD.replace("{{not_a_var}}", "{% raw %}{{not_a_var}}{% endraw %}"),
});
const asEnvList = (vars: Record<string, string>) =>
  Object.entries(vars)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
const sortedByName = (list: { name: string }[] | undefined) =>
  [...(list ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));

describe("hostile variables reach the cloud APIs verbatim from a real Airflow run", () => {
  it("Cloud Run: the container's env and Starlake's --options", async () => {
    const { dir, pipelines } = await af.generate(
      "cloud_run_hostile",
      "cloud_run",
      { ...CLOUD_OPTIONS.cloud_run, cloud_run_async: "false", retries: "0" },
      HOSTILE_ENV,
    );
    af.failing = undefined;
    const before = af.fake.calls.length;
    const r = await af.runDag(dir, "t_kpi_revenue", "2024-03-05T02:00:00+00:00");
    expect(r.state, r.log.slice(-3000)).toBe("success");
    const [request] = af.since(before, "RunJob");
    type Overrides = { containerOverrides: { args: string[]; env: { name: string }[] }[] };
    const container = (request?.overrides as Overrides | undefined)?.containerOverrides[0];
    expect(sortedByName(container?.env)).toEqual(asEnvList(HOSTILE));
    const p = pipelineOf(pipelines, "t_kpi_revenue");
    const task = p.tasks.find((t) => t.command !== undefined);
    expect(container?.args).toEqual(
      cloudArgv(p, task?.id ?? "", "2024-03-05T02:00:00+0000", "2024-03-04T02:00:00+0000"),
    );
    expect(container?.args.join(" ")).toContain(WEIRD);
    expect(existsSync("/tmp/slo-pwned")).toBe(false);
  }, 600_000);

  it("Fargate: the container's environment", async () => {
    const { dir } = await af.generate(
      "fargate_hostile",
      "fargate",
      {
        aws_cluster_name: af.ecs.cluster,
        aws_task_definition_name: af.ecs.taskDefinition,
        aws_task_definition_container_name: af.ecs.container,
        aws_task_private_subnets: af.ecs.subnet,
        // moto 5.2.6 answers 500 (a KeyError) to an awsvpcConfiguration without securityGroups,
        // which AWS accepts (the VPC's default group)
        aws_task_security_groups: af.ecs.securityGroup,
        aws_region: af.moto.region,
        fargate_async: "false",
        fargate_async_poke_interval: "1",
        retries: "0",
      },
      HOSTILE_ENV,
    );
    const before = (await runTaskRequests(af.moto)).length;
    const r = await af.runDag(dir, "t_kpi_revenue", "2024-03-05T02:00:00+00:00");
    expect(r.state, r.log.slice(-3000)).toBe("success");
    const [started] = (await runTaskRequests(af.moto)).slice(before);
    const container = started?.overrides?.containerOverrides?.[0];
    expect(sortedByName(container?.environment as { name: string }[])).toEqual(asEnvList(HOSTILE));
    expect(existsSync("/tmp/slo-pwned")).toBe(false);
  }, 600_000);
});

describe("Fargate in real Airflow 3.3 against moto", () => {
  // Sync only: the deferrable operator needs aiobotocore, and no aiobotocore release accepts the
  // botocore the airflow-cloud environment pins (docs/environments.md, "What is proven").
  it(`sync: RunTask with the overrides and network; success and failure from the exit code`, async () => {
    const { dir, pipelines } = await af.generate("fargate_sync", "fargate", {
      aws_cluster_name: af.ecs.cluster,
      aws_task_definition_name: af.ecs.taskDefinition,
      aws_task_definition_container_name: af.ecs.container,
      aws_task_private_subnets: af.ecs.subnet,
      aws_task_security_groups: af.ecs.securityGroup,
      aws_region: af.moto.region,
      cpu: "512",
      memory: "1024",
      fargate_async: "false",
      fargate_async_poke_interval: "1",
      retries: "0",
    });
    const before = (await runTaskRequests(af.moto)).length;
    const p = pipelineOf(pipelines, "t_kpi_revenue");
    const ok = await af.runDag(dir, "t_kpi_revenue", "2024-03-05T02:00:00+00:00");
    expect(ok.state, ok.log.slice(-3000)).toBe("success");
    const [started, ...more] = (await runTaskRequests(af.moto)).slice(before);
    expect(more).toEqual([]);
    const task = p.tasks.find((t) => t.command !== undefined);
    expect(started).toEqual({
      cluster: af.ecs.cluster,
      taskDefinition: af.ecs.taskDefinition,
      launchType: "FARGATE",
      overrides: {
        containerOverrides: [
          {
            name: af.ecs.container,
            command: cloudArgv(
              p,
              task?.id ?? "",
              "2024-03-05T02:00:00+0000",
              "2024-03-04T02:00:00+0000",
            ),
            environment: [{ name: "SL_ROOT", value: "/srv/p" }],
            cpu: 512,
            memory: 1024,
          },
        ],
      },
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [af.ecs.subnet],
          securityGroups: [af.ecs.securityGroup],
          assignPublicIp: "DISABLED",
        },
      },
      clientToken: expect.any(String),
      startedBy: "airflow",
    });

    // the orders load's container exits with 1 (moto-server.py's knob): that task fails
    const bad = await af.runDag(dir, "load_shop", "2024-03-05T02:00:00+00:00");
    expect(bad.state).toBe("failed");
    expect(bad.tasks).toMatchObject({
      load_shop_orders: "failed",
      load_shop_customers: "success",
    });
  }, 600_000);
});
