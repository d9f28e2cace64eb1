import type { Diagnostic } from "../pipeline/diagnostic.js";
import { readYaml } from "./read-yaml.js";
import { envFile } from "./schemas.js";
import { renderVariables } from "./variables.js";

/**
 * Project variables: SL_ROOT and SL_ENV, then `env.sl.yml`, then `env.<SL_ENV>.sl.yml`, then the
 * caller's overrides. A value may use the variables defined before it.
 */
export function readEnv(
  root: string,
  slRoot: string,
  slEnv: string | undefined,
  overrides: Readonly<Record<string, string>>,
): { vars: Record<string, string>; diagnostics: Diagnostic[] } {
  const vars: Record<string, string> = { SL_ROOT: slRoot, ...(slEnv ? { SL_ENV: slEnv } : {}) };
  const diagnostics: Diagnostic[] = [];
  const files = ["metadata/env.sl.yml", ...(slEnv ? [`metadata/env.${slEnv}.sl.yml`] : [])];
  for (const rel of files) {
    const read = readYaml(root, rel, envFile);
    if (read === undefined) continue;
    diagnostics.push(...read.diagnostics);
    for (const [k, v] of Object.entries(read.value?.env ?? {})) {
      if (k in overrides) continue;
      vars[k] = renderVariables(v, { ...vars, ...overrides }).text;
    }
  }
  Object.assign(vars, overrides);
  return { vars, diagnostics };
}
