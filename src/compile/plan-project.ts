import { type Diagnostic, hasErrors, sortDiagnostics } from "../pipeline/diagnostic.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Project } from "../project/project.js";
import { type ReadOptions, readProject } from "../project/read-project.js";
import { assetLineage } from "./asset-lineage.js";
import { type CompileOptions, compileProject } from "./compile-project.js";

export interface PlanResult {
  readonly project?: Project;
  /** Empty when the project has errors. */
  readonly pipelines: readonly Pipeline[];
  /**
   * The project's lineage by dataset URI (each transform's table → what its SQL reads), whatever
   * pipelines run it: what a project-wide asset graph draws (Dagster's code location, `slo plan
   * --json`). Empty when the project has errors.
   */
  readonly lineage: ReadonlyMap<string, readonly string[]>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads and compiles a project folder; pipelines are returned only when nothing is in error. */
export async function planProject(
  folder: string,
  options: ReadOptions & CompileOptions = {},
): Promise<PlanResult> {
  const read = await readProject(folder, options);
  if (read.project === undefined)
    return { pipelines: [], lineage: new Map(), diagnostics: read.diagnostics };
  const compiled = compileProject(read.project, options);
  const diagnostics = sortDiagnostics([...read.diagnostics, ...compiled.diagnostics]);
  const failed = hasErrors(diagnostics);
  return {
    project: read.project,
    pipelines: failed ? [] : compiled.pipelines,
    lineage: failed ? new Map() : assetLineage(read.project),
    diagnostics,
  };
}
