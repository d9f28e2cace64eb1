import type { Diagnostic } from "../pipeline/diagnostic.js";
import { environmentName } from "../pipeline/environment.js";
import type { Pipeline } from "../pipeline/pipeline.js";

/**
 * The error of a runner asked to run a pipeline whose execution environment it cannot honour:
 * at the dag config's template, naming the dag config, the environment and the runner. Never a
 * fallback to the local shell.
 */
export function unsupportedEnvironment(
  p: Pipeline,
  runner: string,
  supported: readonly string[],
  what = "",
): Diagnostic {
  const name = environmentName(p.environment);
  const config = p.source ? `dag config ${p.source.config}` : `pipeline ${p.id}`;
  const pipeline = p.source ? ` (pipeline ${p.id})` : "";
  const detail = what === "" ? "" : ` ${what}`;
  return {
    code: "unsupported_environment",
    severity: "error",
    message: `${config}${pipeline}: execution environment ${name}${detail} is not supported by the ${runner} runner; it supports ${supported.join(", ")}`,
    ...p.environment.at,
  };
}
