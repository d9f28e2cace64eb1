import { cloudRun, dataproc, fargate } from "./cloud.js";
import type { EnvironmentKind } from "./environment-kind.js";
import { shell } from "./shell.js";

const kinds = new Map<string, EnvironmentKind>();
// Asked once per pipeline: kept until the next registration.
let optionKeys: ReadonlySet<string> | undefined;

/** Makes an execution environment available to compile and the builder (built-ins are registered). */
export function registerEnvironment(kind: EnvironmentKind): void {
  kinds.set(kind.name, kind);
  optionKeys = undefined;
}

export function environmentKind(name: string): EnvironmentKind | undefined {
  return kinds.get(name);
}

/** Every option key a registered environment reads: not unknown, wherever it is written. */
export function environmentOptionKeys(): ReadonlySet<string> {
  optionKeys ??= new Set([...kinds.values()].flatMap((k) => k.optionKeys ?? []));
  return optionKeys;
}

export function environmentNames(): string[] {
  return [...kinds.keys()].sort();
}

for (const k of [shell, cloudRun, dataproc, fargate]) registerEnvironment(k);
