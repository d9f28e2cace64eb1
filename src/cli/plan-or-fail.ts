import { type PlanResult, planProject } from "../compile/plan-project.js";
import { ConfigError } from "../errors.js";
import { formatDiagnostic, hasErrors } from "../pipeline/diagnostic.js";
import { type ProjectFlags, readOptions } from "./project-options.js";

/** Plans a project for verbs that need pipelines: warnings go to stderr, errors end the command. */
export async function planOrFail(
  project: string,
  flags: ProjectFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlanResult> {
  const result = await planProject(project, { ...readOptions(flags), env });
  if (hasErrors(result.diagnostics))
    throw new ConfigError(result.diagnostics.filter((d) => d.severity === "error"));
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return result;
}
