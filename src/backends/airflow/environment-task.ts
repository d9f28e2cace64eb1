import { unsupportedEnvironment } from "../../environments/unsupported.js";
import { ConfigError } from "../../errors.js";
import { assertNever } from "../../pipeline/environment.js";
import type { Pipeline, Task } from "../../pipeline/pipeline.js";

/**
 * How a task of this pipeline's execution environment is written, for each variant: `undefined`
 * for the shell (render-dag.ts writes its BashOperator), else the lines of the environment's
 * operators. An environment Airflow cannot honour is an error, never a local command.
 */
export function environmentTask(
  p: Pipeline,
  _t: Task,
  _common: readonly string[],
): string[] | undefined {
  const e = p.environment;
  switch (e.kind) {
    case "shell":
      return undefined;
    case "cloud_run":
    case "dataproc":
    case "fargate":
    case "registered":
      throw new ConfigError([unsupportedEnvironment(p, "airflow", ["shell"])]);
    default:
      return assertNever(e, "execution environment");
  }
}
