import { unsupportedEnvironment } from "../../environments/unsupported.js";
import { ConfigError } from "../../errors.js";
import { assertNever } from "../../pipeline/environment.js";
import type { Pipeline, Task } from "../../pipeline/pipeline.js";
import { cloudRunTask } from "./cloud-run-task.js";
import { createClusterTask, deleteClusterTask, sparkJobTask } from "./dataproc-tasks.js";
import { fargateTask } from "./fargate-task.js";

const SUPPORTED = ["shell", "cloud_run", "dataproc", "fargate"];

/** The provider operators the cloud environments write, for the file's imports. */
export const CLOUD_IMPORTS = [
  ["airflow.providers.amazon.aws.operators.ecs", ["EcsRunTaskOperator"]],
  ["airflow.providers.google.cloud.operators.cloud_run", ["CloudRunExecuteJobOperator"]],
  [
    "airflow.providers.google.cloud.operators.dataproc",
    ["DataprocCreateClusterOperator", "DataprocDeleteClusterOperator", "DataprocSubmitJobOperator"],
  ],
] as const;

/** An operator call for a task, and statements to write after it. */
export interface OperatorCall {
  readonly operator: string;
  readonly args: readonly string[];
  readonly after?: readonly string[];
}

/**
 * How a task of this pipeline's execution environment is written, for each variant: `undefined`
 * for the shell (render-dag.ts writes its BashOperator) and for tasks that run nothing, else the
 * environment's operator. An environment Airflow cannot honour is an error, never a local command.
 */
export function environmentTask(
  p: Pipeline,
  t: Task,
  common: readonly string[],
): OperatorCall | undefined {
  const e = p.environment;
  switch (e.kind) {
    case "shell":
      return undefined;
    case "cloud_run":
      return cloudWork(p, t)
        ? { operator: "CloudRunExecuteJobOperator", args: cloudRunTask(e, t, common) }
        : undefined;
    case "fargate":
      return cloudWork(p, t)
        ? { operator: "EcsRunTaskOperator", args: fargateTask(e, t, common) }
        : undefined;
    case "dataproc": {
      if (t.kind === "pre")
        return { operator: "DataprocCreateClusterOperator", args: createClusterTask(e, common) };
      const create = p.tasks.find((x) => x.kind === "pre");
      if (t.kind === "post")
        return {
          operator: "DataprocDeleteClusterOperator",
          args: deleteClusterTask(e, common),
          // a teardown: it runs once the tasks are done, whatever they did, and does not decide
          // the run's state (a failed load still fails the run)
          after: create ? [`t_${t.id}.as_teardown(setups=t_${create.id})`] : [],
        };
      return cloudWork(p, t)
        ? { operator: "DataprocSubmitJobOperator", args: sparkJobTask(e, t, common) }
        : undefined;
    }
    case "registered":
      throw new ConfigError([unsupportedEnvironment(p, "airflow", SUPPORTED)]);
    default:
      return assertNever(e, "execution environment");
  }
}

/**
 * Whether the task runs Starlake in the cloud; tasks that run nothing stay empty operators. A
 * pre-load check decides "nothing to load" from Starlake's exit code, which a cloud job's
 * failure hides: refused until the cloud environments can tell them apart.
 */
function cloudWork(p: Pipeline, t: Task): boolean {
  if (t.command === undefined) return false;
  if (t.gate !== undefined)
    throw new ConfigError([
      unsupportedEnvironment(p, "airflow", SUPPORTED, "with a pre-load check (pre_load_strategy)"),
    ]);
  return true;
}
