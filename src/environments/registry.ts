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

export function environmentNames(): string[] {
  return [...kinds.keys()].sort();
}

for (const k of [shell, cloudRun, dataproc, fargate]) registerEnvironment(k);
