import { isAbsolute, join, resolve } from "node:path";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { LoadRecovery } from "../pipeline/pipeline.js";
import type { LoadTable } from "../project/project.js";
import { textProblem } from "../starlake/argument-text.js";
import { filePatternProblem } from "../starlake/file-pattern.js";
import type { PipelineSettings } from "./pipeline-settings.js";

/** Where a pipeline's loads keep their files, or why the runners cannot reach them. */
export type LoadAreas =
  | { readonly local: true; readonly ingesting: string; readonly pending: string }
  | { readonly local: false; readonly why: string };

/**
 * The roots of Starlake's ingesting and pending areas (without the domain) as Starlake 1.5.16
 * computes them (`DatasetArea.path`): SL_DATASETS (the dag config's `sl_env_var`, else the
 * environment, else `<SL_ROOT>/datasets`) and SL_AREA_INGESTING / SL_AREA_STAGE (default
 * `ingesting` and `stage`; an absolute area stands alone). Only a local folder, and only when the
 * commands run on this machine (the shell environment), can be looked at by the runner.
 */
export function loadAreas(
  s: PipelineSettings,
  env: Readonly<Record<string, string | undefined>>,
): LoadAreas {
  if (s.environment.kind !== "shell")
    return { local: false, why: `Starlake runs in ${s.environment.kind}, not on this machine` };
  const value = (key: string) => s.environment.env[key] || env[key] || undefined;
  const root = resolve(s.environment.slRoot);
  const datasets = localPath(value("SL_DATASETS") ?? join(root, "datasets"));
  if (datasets === undefined)
    return { local: false, why: `SL_DATASETS ${value("SL_DATASETS")} is not a local folder` };
  const area = (key: string, fallback: string): string | undefined => {
    const name = value(key) ?? fallback;
    if (name.startsWith("/")) return name;
    return name.includes("://") ? undefined : join(datasets, name);
  };
  const ingesting = area("SL_AREA_INGESTING", "ingesting");
  const pending = area("SL_AREA_STAGE", "stage");
  if (ingesting === undefined || pending === undefined)
    return { local: false, why: "SL_AREA_INGESTING or SL_AREA_STAGE is not a local folder" };
  return { local: true, ingesting, pending };
}

/** A local path for a folder URI; a relative one is read from `/`, as Starlake reads it. */
function localPath(uri: string): string | undefined {
  const path = uri.startsWith("file:") ? uri.replace(/^file:(\/\/)?/, "") : uri;
  if (path.includes("://")) return undefined;
  return isAbsolute(path) ? join(path) : join("/", path);
}

/**
 * What a load task of `table` returns before each attempt, or undefined (with a located warning)
 * when its pattern cannot be matched as Starlake matches it, or its domain is no folder name.
 */
export function loadRecovery(
  domain: string,
  table: LoadTable,
  areas: LoadAreas,
  diagnostics: Diagnostic[],
): LoadRecovery | undefined {
  if (!areas.local || table.pattern === undefined) return undefined;
  const what = `table ${domain}.${table.name}`;
  const lost = `a failed load of ${domain}.${table.name} leaves its files in the ingesting folder, where a retry does not look (no return for this table)`;
  if (domain === "." || domain === ".." || /[/\0]/.test(domain) || domain === "") {
    diagnostics.push({
      code: "no_load_recovery",
      severity: "warning",
      file: table.file,
      message: `${what}: the domain name ${JSON.stringify(domain)} is not a folder name; ${lost}`,
    });
    return undefined;
  }
  // the pattern is written into every runner's files: refused where it is, as other texts are
  const unwritable = textProblem(table.pattern.value);
  if (unwritable !== undefined) {
    const message = `table.pattern ${JSON.stringify(table.pattern.value)} ${unwritable}`;
    diagnostics.push(diagnosticAt(table.pattern.at, "error", "invalid_pattern", message));
    return undefined;
  }
  const problem = filePatternProblem(table.pattern.value);
  if (problem !== undefined) {
    const message = `table.pattern ${JSON.stringify(table.pattern.value)} ${problem}; ${lost}`;
    diagnostics.push(diagnosticAt(table.pattern.at, "warning", "no_load_recovery", message));
    return undefined;
  }
  return {
    ingesting: join(areas.ingesting, domain),
    pending: join(areas.pending, domain),
    pattern: table.pattern.value,
  };
}
