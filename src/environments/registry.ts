import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import type { EnvironmentName, ExecutionEnvironment } from "../pipeline/environment.js";
import type { JsonValue } from "../pipeline/pipeline.js";
import type { OptionValue } from "../starlake/options.js";
import { cloudRun } from "./cloud-run.js";
import { dataproc } from "./dataproc.js";
import type {
  BuiltInEnvironment,
  EnvironmentBase,
  EnvironmentKind,
  FrameTask,
} from "./environment-kind.js";
import { fargate } from "./fargate.js";
import { OptionReader } from "./option-reader.js";
import { shell } from "./shell.js";

type BuiltInName = Exclude<EnvironmentName, "registered">;

// A record over the union's names: adding a variant without its reader fails to type-check.
const BUILT_IN: { readonly [K in BuiltInName]: BuiltInEnvironment } = {
  shell: shell as BuiltInEnvironment,
  cloud_run: cloudRun as BuiltInEnvironment,
  dataproc: dataproc as BuiltInEnvironment,
  fargate: fargate as BuiltInEnvironment,
};

const isBuiltIn = (name: string): name is BuiltInName => Object.hasOwn(BUILT_IN, name);

const kinds = new Map<string, EnvironmentKind>();
// Asked once per pipeline: kept until the next registration.
let optionKeys: ReadonlySet<string> | undefined;

/**
 * Makes an execution environment of yours available to compile and the builder. Its pipelines
 * carry a `registered` environment with your settings: slo's runners refuse it by name, your own
 * orchestrator (registerOrchestrator) honours it. Built-in names cannot be taken.
 */
export function registerEnvironment(kind: EnvironmentKind): void {
  if (isBuiltIn(kind.name))
    throw new Error(`execution environment ${kind.name} is built in; choose another name`);
  kinds.set(kind.name, kind);
  optionKeys = undefined;
}

/** An environment by name, as a registered kind (built-ins give their typed settings as a record). */
export function environmentKind(name: string): EnvironmentKind | undefined {
  if (!isBuiltIn(name)) return kinds.get(name);
  const builtIn = BUILT_IN[name];
  return {
    name,
    optionKeys: builtIn.optionKeys,
    settings(options, placeOf) {
      const r = readEnvironment(name, options, placeOf, { env: {}, slRoot: "." });
      const { kind: _, env: __, slRoot: ___, at: ____, ...settings } = r?.environment ?? {};
      return {
        settings: JSON.parse(JSON.stringify(settings)) as Record<string, OptionValue>,
        diagnostics: r?.diagnostics ?? [],
      };
    },
    ...(builtIn.preTask ? { preTask: builtIn.preTask } : {}),
    ...(builtIn.postTask ? { postTask: builtIn.postTask } : {}),
  };
}

/** What compile gets from an environment's options: the typed environment and its frame tasks. */
export interface ReadEnvironment {
  readonly environment: ExecutionEnvironment;
  readonly diagnostics: Diagnostic[];
  readonly preTask?: (pipelineId: string) => FrameTask;
  readonly postTask?: (pipelineId: string) => FrameTask;
}

/** Reads the environment `name` from resolved options; undefined when no such environment exists. */
export function readEnvironment(
  name: string,
  options: Readonly<Record<string, OptionValue>>,
  placeOf: (key: string) => Place | undefined,
  base: EnvironmentBase,
): ReadEnvironment | undefined {
  if (isBuiltIn(name)) {
    const builtIn = BUILT_IN[name];
    const reader = new OptionReader(name, options, (k) => placeOf(k) ?? base.at);
    const environment = builtIn.read(reader, base);
    return {
      environment,
      diagnostics: reader.diagnostics,
      ...(builtIn.preTask ? { preTask: builtIn.preTask } : {}),
      ...(builtIn.postTask ? { postTask: builtIn.postTask } : {}),
    };
  }
  const kind = kinds.get(name);
  if (kind === undefined) return undefined;
  const s = kind.settings(options, placeOf);
  return {
    environment: {
      kind: "registered",
      name,
      ...base,
      settings: s.settings as Record<string, JsonValue>,
    },
    diagnostics: s.diagnostics,
    ...(kind.preTask ? { preTask: kind.preTask } : {}),
    ...(kind.postTask ? { postTask: kind.postTask } : {}),
  };
}

/** Every option key a registered environment reads: not unknown, wherever it is written. */
export function environmentOptionKeys(): ReadonlySet<string> {
  optionKeys ??= new Set([
    ...Object.values(BUILT_IN).flatMap((k) => k.optionKeys),
    ...[...kinds.values()].flatMap((k) => k.optionKeys ?? []),
  ]);
  return optionKeys;
}

export function environmentNames(): string[] {
  return [...Object.keys(BUILT_IN), ...kinds.keys()].sort();
}
