import { createHash } from "node:crypto";
import type {
  CloudRunEnvironment,
  CloudWait,
  DataprocEnvironment,
  FargateEnvironment,
} from "../../pipeline/environment.js";
import type { Pipeline, Task } from "../../pipeline/pipeline.js";
import { type RunValues, starlakeArgv } from "../../starlake/command-line.js";

/**
 * One attempt of a task in a cloud environment, as the attempt's process (cloud-attempt.ts)
 * reads it from its file: everything it sends, already decided by the engine. `args` is the
 * argv every runner produces, without the executable (the image's entry point or the main class
 * is Starlake); `env` the Starlake variables. Each argument is one string given to an API: no
 * shell, no quoting.
 */
export type CloudJob = FargateJob | CloudRunJob | DataprocJob;

interface JobCommon {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly wait: CloudWait;
  /** Unique to the attempt (task, run, attempt number): the cloud's own id is logged beside it. */
  readonly attemptId: string;
}

export interface FargateJob extends JobCommon {
  readonly kind: "fargate";
  readonly region: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly container: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly cpu: number;
  readonly memory: number;
}

export interface CloudRunJob extends JobCommon {
  readonly kind: "cloud_run";
  readonly project: string;
  readonly region: string;
  readonly job: string;
  readonly serviceAccount?: string;
}

export interface DataprocJob extends JobCommon {
  readonly kind: "dataproc";
  readonly cluster: DataprocCluster;
  readonly jars: readonly string[];
  readonly mainClass: string;
  /** The pipeline's Spark properties with the task's own over them. */
  readonly properties: Readonly<Record<string, string>>;
}

/** The run's cluster: its name is the same for every task of the run, another for each run. */
export interface DataprocCluster {
  readonly project: string;
  readonly region: string;
  readonly name: string;
  readonly settings: DataprocEnvironment["cluster"];
  /** The Starlake variables, as `spark-env:` properties of the cluster (checked at compile). */
  readonly env: Readonly<Record<string, string>>;
}

/** The cloud environments the engine runs: every environment but the shell and registered ones. */
export type CloudEnvironment = FargateEnvironment | CloudRunEnvironment | DataprocEnvironment;

/** `n` hex digits of a hash of the parts: ids unique to a run, a task or an attempt. */
function hex(n: number, ...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, n);
}

/**
 * The run's Dataproc cluster: the configured prefix and 8 hex digits of the pipeline and run
 * (`runKey`: the run's id and creation, the same when it is resumed, unique to it otherwise).
 */
export function dataprocCluster(
  e: DataprocEnvironment,
  pipelineId: string,
  runKey: string,
): DataprocCluster {
  return {
    project: e.project,
    region: e.region,
    name: `${e.cluster.name}-${hex(8, pipelineId, runKey)}`,
    settings: e.cluster,
    env: e.env,
  };
}

/**
 * `<task>-<12 hex digits of the pipeline, run and task>-<attempt>`: a retry is a new job, never a
 * clash with the failed one. Characters no cloud id takes become `_`; at most 100 characters.
 */
export function attemptId(
  pipelineId: string,
  runKey: string,
  task: string,
  attempt: number,
): string {
  const safe = task.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60);
  return `${safe}-${hex(12, pipelineId, runKey, task)}-${attempt}`;
}

/** What an attempt of `task` sends to the cloud of environment `e`. */
export function cloudJob(
  pipeline: Pipeline,
  e: CloudEnvironment,
  task: Task,
  values: RunValues,
  runKey: string,
  attempt: number,
): CloudJob {
  const common = {
    args: starlakeArgv(task, e.env, values),
    env: e.env,
    attemptId: attemptId(pipeline.id, runKey, task.id, attempt),
  };
  switch (e.kind) {
    case "fargate":
      return {
        kind: "fargate",
        ...common,
        wait: e.wait,
        region: e.region,
        cluster: e.cluster,
        taskDefinition: e.taskDefinition,
        container: e.container,
        subnets: e.subnets,
        securityGroups: e.securityGroups,
        cpu: e.cpu,
        memory: e.memory,
      };
    case "cloud_run":
      return {
        kind: "cloud_run",
        ...common,
        wait: e.wait,
        project: e.project,
        region: e.region,
        job: e.job,
        ...(e.serviceAccount ? { serviceAccount: e.serviceAccount } : {}),
      };
    case "dataproc":
      return {
        kind: "dataproc",
        ...common,
        // a dag config has no wait option for Spark jobs: the attempt waits for its job
        wait: { mode: "sync" },
        cluster: dataprocCluster(e, pipeline.id, runKey),
        jars: e.spark.jars,
        mainClass: e.spark.mainClass,
        properties: { ...e.spark.properties, ...e.spark.taskProperties[task.id] },
      };
  }
}
