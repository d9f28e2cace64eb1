import type { Pipeline } from "../pipeline/pipeline.js";

/** A file an orchestrator backend writes: a path relative to the output folder, and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
  /**
   * The ids of the pipelines this file holds; absent means every pipeline rendered with it.
   * `generate --pipeline X --clean` uses it to remove X's stale files and leave the others'.
   */
  readonly pipelines?: readonly string[];
}

/**
 * An orchestrator the pipelines can be rendered to (Airflow, Dagster, your own). Backends are
 * pure: pipelines in, files out; writing them is the caller's business.
 */
export interface Orchestrator {
  readonly name: string;
  readonly description: string;
  render(pipelines: readonly Pipeline[], context: RenderContext): readonly GeneratedFile[];
}

export interface RenderContext {
  /** Where the pipelines come from, for file headers. */
  readonly source: string;
  /** What each transform reads, by dataset URI (`assetLineage`), for a project-wide asset graph. */
  readonly lineage?: ReadonlyMap<string, readonly string[]>;
  /**
   * The project's folder on workers whose environment has no SL_ROOT: absolute, or relative to
   * the generated file's folder (`slo generate --sl-root-relative`). Absent: each pipeline's SL_ROOT.
   */
  readonly rootDefault?: string;
}
