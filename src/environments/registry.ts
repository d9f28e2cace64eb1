import { cloudRun, dataproc, fargate } from "./cloud.js";
import type { EnvironmentKind } from "./environment-kind.js";
import { shell } from "./shell.js";

const kinds = new Map<string, EnvironmentKind>();

/** Makes an execution environment available to compile and the builder (built-ins are registered). */
export function registerEnvironment(kind: EnvironmentKind): void {
  kinds.set(kind.name, kind);
}

export function environmentKind(name: string): EnvironmentKind | undefined {
  return kinds.get(name);
}

/** Every option key a registered environment reads: not unknown, wherever it is written. */
export function environmentOptionKeys(): ReadonlySet<string> {
  return new Set([...kinds.values()].flatMap((k) => k.optionKeys ?? []));
}

export function environmentNames(): string[] {
  return [...kinds.keys()].sort();
}

for (const k of [shell, cloudRun, dataproc, fargate]) registerEnvironment(k);
