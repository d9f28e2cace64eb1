import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline, Task } from "../../src/pipeline/pipeline.js";
import { starlakeArgv } from "../../src/starlake/command-line.js";
import { CLOUD_OPTIONS, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";
import { pythonEnv } from "../helpers/python-env.js";

/**
 * Real Airflow 3.3 with the Google and Amazon providers loads the files of each cloud
 * environment; tests/integration/airflow/inspect_cloud.py renders every operator's templated
 * fields, with Airflow's own Jinja, for two attempts of a run and for another run.
 */
interface Rendered {
  [field: string]: unknown;
}
interface CloudTask {
  type: string;
  upstream: string[];
  trigger_rule: string;
  is_setup: boolean;
  is_teardown: boolean;
  retry_delay: number;
  outlets: string[];
  first: Rendered;
  retry: Rendered;
  other_run: Rendered;
}
interface Folder {
  import_errors: Record<string, string>;
  dags: Record<string, { tasks: Record<string, CloudTask> }>;
}

// The hostile values of tests/fixtures/hostile: what the container or the job must get verbatim.
const WEIRD = "a'b\"c $(touch /tmp/slo-pwned) `id` {{not_a_var}} café \\ end\n";
// {% raw %}: slo renders the option's Jinja (project variables) first
const HOSTILE_ENV = JSON.stringify({
  SL_ROOT: "gs://b/p",
  SL_WEIRD: WEIRD.replace("{{not_a_var}}", "{% raw %}{{not_a_var}}{% endraw %}"),
  SL_CR: "a\rb\r\nc",
});

const CASES: Record<
  string,
  { env: keyof typeof CLOUD_OPTIONS; options?: Record<string, string>; slEnv?: string }
> = {
  cloud_run: { env: "cloud_run" },
  dataproc: { env: "dataproc" },
  fargate: { env: "fargate" },
  cloud_run_sync_no_env: {
    env: "cloud_run",
    options: { ...CLOUD_OPTIONS.cloud_run, cloud_run_async: "false" },
    slEnv: "{}",
  },
  dataproc_single_node: {
    env: "dataproc",
    options: { ...CLOUD_OPTIONS.dataproc, dataproc_num_workers: "0" },
  },
  fargate_sync: { env: "fargate", options: { ...CLOUD_OPTIONS.fargate, fargate_async: "false" } },
  cloud_run_hostile: { env: "cloud_run", slEnv: HOSTILE_ENV },
  // Dataproc refuses such variables (spark-env is read by a shell): hostile Spark properties
  dataproc_hostile: {
    env: "dataproc",
    options: {
      ...CLOUD_OPTIONS.dataproc,
      spark_properties: JSON.stringify({
        "spark.weird": WEIRD.replace("{{not_a_var}}", "{% raw %}{{not_a_var}}{% endraw %}"),
      }),
    },
  },
  fargate_hostile: { env: "fargate", slEnv: HOSTILE_ENV },
};

const work = mkdtempSync(join(tmpdir(), "slo-airflow-cloud-"));
const pipelines: Record<string, readonly Pipeline[]> = {};
let view: Record<string, Folder> = {};
const venv = () => pythonEnv("airflow-cloud");

beforeAll(async () => {
  const folders: string[] = [];
  for (const [name, c] of Object.entries(CASES)) {
    const plan = await planProject(fixture(envProject(c.env, c.options, c.slEnv)), {
      vars: { SL_ROOT: "/srv/p" },
      env: {},
    });
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    pipelines[name] = plan.pipelines;
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const f of airflow.render(plan.pipelines, { source: name }))
      writeFileSync(join(dir, f.path), f.content);
    folders.push(dir);
  }
  const home = join(work, "home");
  mkdirSync(home, { recursive: true });
  const out = join(work, "view.json");
  execFileSync(
    join(venv(), "bin/python"),
    ["tests/integration/airflow/inspect_cloud.py", out, ...folders],
    { env: { ...process.env, AIRFLOW_HOME: home }, stdio: "ignore", timeout: 600_000 },
  );
  const raw = JSON.parse(readFileSync(out, "utf8")) as Record<string, Folder>;
  view = Object.fromEntries(Object.entries(raw).map(([dir, f]) => [dir.slice(work.length + 1), f]));
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCHEDULED = "2024-03-05T02:00:00+0000";
/** The command line every runner produces (starlakeArgv), for the run inspect_cloud.py renders. */
function argvOf(p: Pipeline, t: Task): string[] {
  return starlakeArgv(t, p.environment.env, {
    scheduledDate: SCHEDULED,
    interval: { start: "2024-03-04T02:00:00+0000", end: SCHEDULED },
  });
}
const tasksOf = (name: string, dag: string) => view[name]?.dags[dag]?.tasks ?? {};
const work_ = (name: string) =>
  (pipelines[name] ?? []).flatMap((p) =>
    p.tasks.filter((t) => t.command !== undefined).map((t) => ({ p, t })),
  );

describe("real Airflow 3.3 with the Google and Amazon providers", () => {
  it("imports every cloud environment's files with zero errors, ruff-clean", () => {
    expect(Object.keys(view).sort()).toEqual(Object.keys(CASES).sort());
    for (const [name, folder] of Object.entries(view)) {
      expect(folder.import_errors, name).toEqual({});
      expect(Object.keys(folder.dags).sort(), name).toEqual([
        "load_shop",
        "t_kpi_revenue",
        "t_kpi_top",
      ]);
    }
    for (const args of [
      ["format", "--isolated", "--check"],
      ["check", "--isolated"],
    ])
      execFileSync(join(venv(), "bin/ruff"), [...args, work], { stdio: "pipe", timeout: 60_000 });
  });

  it("Cloud Run: one job execution per task, the argv and the variables as overrides", () => {
    for (const { p, t } of work_("cloud_run")) {
      const task = tasksOf("cloud_run", p.id)[t.id];
      expect(task?.type).toBe("CloudRunExecuteJobOperator");
      expect(task?.first).toEqual({
        project_id: "my-project",
        region: "europe-west4",
        job_name: "starlake-job",
        overrides: {
          container_overrides: [
            { args: argvOf(p, t), env: [{ name: "SL_ROOT", value: "/srv/p" }] },
          ],
        },
        impersonation_chain: "runner@my-project.iam.gserviceaccount.com",
        deferrable: true,
        polling_period_seconds: 30,
      });
      expect(task?.retry_delay).toBe(10); // retry_delay_in_seconds
      expect(task?.outlets).toEqual(t.produces ? [t.produces] : []);
    }
    // sync, and no Starlake variables: no env override at all, never an empty one
    for (const { p, t } of work_("cloud_run_sync_no_env")) {
      const r = tasksOf("cloud_run_sync_no_env", p.id)[t.id]?.first;
      expect(r?.deferrable).toBe(false);
      expect(r?.overrides).toEqual({ container_overrides: [{ args: argvOf(p, t) }] });
    }
  });

  it("Dataproc: a cluster per run, created first, deleted by a teardown whatever the loads did", () => {
    const tasks = tasksOf("dataproc", "load_shop");
    const create = tasks.create_load_shop_cluster;
    const del = tasks.delete_load_shop_cluster;
    expect(create?.type).toBe("DataprocCreateClusterOperator");
    expect(create?.is_setup).toBe(true);
    expect(del?.type).toBe("DataprocDeleteClusterOperator");
    expect(del?.is_teardown).toBe(true);
    // Airflow's all_done for a teardown: runs once every task is done, unless the create failed
    expect(del?.trigger_rule).toBe("all_done_setup_success");
    expect(del?.upstream).toEqual([
      "create_load_shop_cluster",
      "load_shop_customers",
      "load_shop_orders",
    ]);
    // end does not wait for the teardown: a failed load still fails the run
    expect(tasks.end?.upstream).toEqual(["load_shop_customers", "load_shop_orders"]);
    const name = create?.first.cluster_name as string;
    expect(name).toMatch(/^sl-cluster-[0-9a-f]{8}$/);
    expect(del?.first.cluster_name).toBe(name);
    expect(create?.retry.cluster_name).toBe(name);
    expect(create?.other_run.cluster_name).not.toBe(name);
    const config = create?.first.cluster_config as Record<string, Record<string, unknown>>;
    expect(config.worker_config?.num_instances).toBe(4);
    expect(config.gce_cluster_config?.subnetwork_uri).toBe(
      "projects/my-project/regions/europe-west1/subnetworks/default",
    );
    expect(config.lifecycle_config).toEqual({ idle_delete_ttl: { seconds: 3600 } });
    for (const { p, t } of work_("dataproc")) {
      const task = tasksOf("dataproc", p.id)[t.id];
      expect(task?.type).toBe("DataprocSubmitJobOperator");
      const job = task?.first.job as {
        reference: { job_id: string };
        placement: { cluster_name: string };
        spark_job: {
          args: string[];
          jar_file_uris: string[];
          main_class: string;
          properties: Record<string, string>;
        };
      };
      expect(job.spark_job.args).toEqual(argvOf(p, t));
      expect(job.spark_job.jar_file_uris).toEqual([
        "gs://my-bucket/jars/starlake.jar",
        "gs://my-bucket/jars/deps.jar",
      ]);
      expect(job.spark_job.main_class).toBe("ai.starlake.job.Main");
      expect(job.spark_job.properties["spark.hadoop.fs.defaultFS"]).toBe("gs://my-bucket");
      expect(job.spark_job.properties["spark.executor.memory"]).toBe(
        t.id === "load_shop_orders" ? "16g" : "8g",
      );
      // unique per attempt and per run, stable within an attempt
      const id = job.reference.job_id;
      expect(id).toMatch(new RegExp(`^${t.id}-[0-9a-f]{12}-1$`));
      const retry = (task?.retry.job as typeof job | undefined)?.reference.job_id;
      const other = (task?.other_run.job as typeof job | undefined)?.reference.job_id;
      expect(retry).toBe(id.replace(/-1$/, "-2"));
      expect(other).not.toBe(id);
      if (p.id === "load_shop") expect(job.placement.cluster_name).toBe(name);
    }
    const single = tasksOf("dataproc_single_node", "load_shop").create_load_shop_cluster?.first
      .cluster_config as Record<string, Record<string, unknown>>;
    expect(single.worker_config).toBeUndefined();
    expect(single.software_config?.properties).toEqual({
      "dataproc:dataproc.allow.zero.workers": "true",
      "spark-env:SL_ROOT": "/srv/p",
    });
    // the Starlake variables in the environment of the cluster's driver and executors
    expect(config.software_config?.properties).toEqual({ "spark-env:SL_ROOT": "/srv/p" });
  });

  it("Fargate: ECS RunTask with container overrides, the network, and the exit code checked", () => {
    for (const { p, t } of work_("fargate")) {
      const task = tasksOf("fargate", p.id)[t.id];
      expect(task?.type).toBe("EcsRunTaskOperator");
      expect(task?.first).toEqual({
        cluster: "sl-cluster",
        task_definition: "starlake:3",
        launch_type: "FARGATE",
        overrides: {
          containerOverrides: [
            {
              name: "starlake",
              command: argvOf(p, t),
              environment: [{ name: "SL_ROOT", value: "/srv/p" }],
              cpu: 1024,
              memory: 2048,
            },
          ],
        },
        network_configuration: {
          awsvpcConfiguration: {
            subnets: ["subnet-0a1b", "subnet-0c2d"],
            securityGroups: ["sg-0e3f"],
            assignPublicIp: "DISABLED",
          },
        },
        aws_conn_id: "aws_default",
        region_name: "eu-west-3",
        // waits for the task to stop and fails unless the container exited with 0
        wait_for_completion: true,
        deferrable: true,
        waiter_delay: 30,
      });
    }
    for (const { p, t } of work_("fargate_sync"))
      expect(tasksOf("fargate_sync", p.id)[t.id]?.first.deferrable).toBe(false);
  });

  it("hostile variables reach the container or the job exactly as written", () => {
    for (const name of ["cloud_run_hostile", "dataproc_hostile", "fargate_hostile"]) {
      const found = work_(name);
      expect(found.length).toBeGreaterThan(0);
      for (const { p, t } of found) {
        const r = tasksOf(name, p.id)[t.id]?.first as Record<string, unknown>;
        const argv = argvOf(p, t);
        if (!name.startsWith("dataproc")) expect(argv.join(" ")).toContain("{{not_a_var}}");
        if (name.startsWith("cloud_run")) {
          const c = (r.overrides as { container_overrides: { args: string[]; env: unknown[] }[] })
            .container_overrides[0];
          expect(c?.args).toEqual(argv);
          expect(c?.env).toEqual([
            { name: "SL_CR", value: "a\rb\r\nc" },
            { name: "SL_ROOT", value: "gs://b/p" },
            { name: "SL_WEIRD", value: WEIRD },
          ]);
        } else if (name.startsWith("fargate")) {
          const c = (
            r.overrides as { containerOverrides: { command: string[]; environment: unknown[] }[] }
          ).containerOverrides[0];
          expect(c?.command).toEqual(argv);
          expect(c?.environment).toContainEqual({ name: "SL_WEIRD", value: WEIRD });
        } else {
          const job = r.job as {
            spark_job: { args: string[]; properties: Record<string, string> };
          };
          expect(job.spark_job.args).toEqual(argv);
          expect(job.spark_job.properties["spark.weird"]).toBe(WEIRD);
        }
      }
    }
  });
});
