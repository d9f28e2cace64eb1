import type { CloudRunEnvironment } from "../../pipeline/environment.js";
import type { Task } from "../../pipeline/pipeline.js";
import { pyLiteral } from "../python/literal.js";
import { cloudArgs, envList, literal } from "./cloud-values.js";

/**
 * A Starlake task as one Cloud Run job execution (provider google): the job's container gets the
 * task's argv and the Starlake variables as overrides. Async releases the worker while the
 * execution runs (deferrable, polled every `pokeInterval`); either way a failed execution fails
 * the task, so Airflow's retries apply. No variables: no `env` override at all (spec §8.2's
 * lone quote of an empty `--update-env-vars` cannot happen).
 */
export function cloudRunTask(e: CloudRunEnvironment, t: Task, common: readonly string[]): string[] {
  const env = envList(e.env);
  const container = {
    args: cloudArgs(t, e.env),
    ...(env.length > 0 ? { env } : {}),
  };
  return [
    ...common,
    `project_id=${pyLiteral(literal(e.project))}`,
    `region=${pyLiteral(literal(e.region))}`,
    `job_name=${pyLiteral(literal(e.job))}`,
    `overrides=${pyLiteral({ container_overrides: [container] })}`,
    ...(e.serviceAccount ? [`impersonation_chain=${pyLiteral(literal(e.serviceAccount))}`] : []),
    ...(e.wait.mode === "async"
      ? ["deferrable=True", `polling_period_seconds=${e.wait.pokeInterval}`]
      : ["deferrable=False"]),
    ...(t.retryDelay === undefined
      ? [`retry_delay=datetime.timedelta(seconds=${e.retryDelay})`]
      : []),
  ];
}
