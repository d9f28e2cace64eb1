import { type PlanResult, planProject } from "../compile/plan-project.js";
import { ignoredOptions, isRunner } from "../compile/runner-options.js";
import { ConfigError } from "../errors.js";
import { formatDiagnostic, hasErrors, sortDiagnostics } from "../pipeline/diagnostic.js";
import { type ProjectFlags, readOptions } from "./project-options.js";

/**
 * Plans a project for verbs that need pipelines: warnings go to stderr, errors end the command.
 * With the runner the pipelines are for, options it does not honour are warned about too.
 */
export async function planOrFail(
  project: string,
  flags: ProjectFlags,
  runner?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlanResult> {
  const result = await planProject(project, { ...readOptions(flags), env });
  if (hasErrors(result.diagnostics))
    throw new ConfigError(result.diagnostics.filter((d) => d.severity === "error"));
  const ignored =
    runner !== undefined && isRunner(runner)
      ? ignoredOptions(result.project, result.pipelines, runner)
      : [];
  for (const d of sortDiagnostics([...result.diagnostics, ...ignored]))
    process.stderr.write(`${formatDiagnostic(d)}\n`);
  return result;
}
