import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import type { ExecutionEnvironment } from "../pipeline/environment.js";
import type { OptionValue } from "../starlake/options.js";
import type { OptionReader } from "./option-reader.js";

/** A task a pipeline's environment adds around its work (create and delete a cluster). */
export interface FrameTask {
  readonly id: string;
  readonly command?: readonly string[];
}

/**
 * An execution environment registered by a user: compile reads its settings from the options
 * (reporting missing ones) into a `registered` environment, which only the user's own runner
 * knows how to honour; slo's runners refuse it by name.
 */
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
  readonly preTask?: (pipelineId: string) => FrameTask;
  /** Clean-up after the tasks, run whatever they did (e.g. delete the cluster). */
  readonly postTask?: (pipelineId: string) => FrameTask;
}

/** What every environment shares, decided by compile before the environment's own options. */
export interface EnvironmentBase {
  readonly env: Readonly<Record<string, string>>;
  readonly slRoot: string;
  readonly at?: Place;
}

/** One of slo's own environments: its options read into its variant of the union. */
export interface BuiltInEnvironment<E extends ExecutionEnvironment = ExecutionEnvironment> {
  readonly name: E["kind"];
  readonly optionKeys: readonly string[];
  read(options: OptionReader, base: EnvironmentBase): E;
  readonly preTask?: (pipelineId: string) => FrameTask;
  readonly postTask?: (pipelineId: string) => FrameTask;
}
