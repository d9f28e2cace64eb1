import { type Diagnostic, hasErrors, sortDiagnostics } from "../pipeline/diagnostic.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Project } from "../project/project.js";
import { type ReadOptions, readProject } from "../project/read-project.js";
import { type CompileOptions, compileProject } from "./compile-project.js";

export interface PlanResult {
  readonly project?: Project;
  /** Empty when the project has errors. */
  readonly pipelines: readonly Pipeline[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads and compiles a project folder; pipelines are returned only when nothing is in error. */
export async function planProject(
  folder: string,
  options: ReadOptions & CompileOptions = {},
): Promise<PlanResult> {
  const read = await readProject(folder, options);
  if (read.project === undefined) return { pipelines: [], diagnostics: read.diagnostics };
  const compiled = compileProject(read.project, options);
  const diagnostics = sortDiagnostics([...read.diagnostics, ...compiled.diagnostics]);
  return {
    project: read.project,
    pipelines: hasErrors(diagnostics) ? [] : compiled.pipelines,
    diagnostics,
  };
}
