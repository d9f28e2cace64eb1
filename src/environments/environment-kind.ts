import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import type { OptionValue } from "../starlake/options.js";

/** What compile needs to know about an execution environment (shell, cloud_run, dataproc, fargate…). */
export interface EnvironmentKind {
  readonly name: string;
  /** The option keys this environment reads (beyond the common options of src/starlake/options.ts). */
  readonly optionKeys?: readonly string[];
  /** Settings of this environment read from the resolved options; missing required ones are reported. */
  settings(
    options: Readonly<Record<string, OptionValue>>,
    placeOf: (key: string) => Place | undefined,
  ): { settings: Record<string, OptionValue>; diagnostics: Diagnostic[] };
  /** Work before the pipeline's tasks (e.g. create a cluster), with its own id. */
  readonly preTask?: (pipelineId: string) => { id: string; command?: readonly string[] };
  /** Clean-up after the tasks, run whatever they did (e.g. delete the cluster). */
  readonly postTask?: (pipelineId: string) => { id: string; command?: readonly string[] };
}
