import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { sanitizeId } from "../pipeline/ids.js";
import type { DagConfig } from "../project/project.js";
import { renderJinjaValue, type Variables } from "../project/variables.js";

/** Tables or tasks that a dag config's `filename` puts in the same output file. */
export interface FileGroup<T> {
  readonly config: DagConfig;
  /** Rendered file name, e.g. `bakery_load_shop.py`. */
  readonly file: string;
  /** Pipeline id base: the file name without `.py`, lower-cased and sanitised. */
  readonly fileId: string;
  readonly items: readonly T[];
  /**
   * Grouping variables that every item of the file shares, and the project variables that the
   * config's filename, comment and options name (with SL_ENV and SL_ROOT): all that its pipelines'
   * settings can read.
   */
  readonly vars: Variables;
}

export interface Member<T> {
  readonly item: T;
  readonly config: DagConfig;
  /** Grouping variables of this item (`domain`, `table`, `schedule`…). */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Renders each item's `filename` and groups items by (config, file). Variables in the name decide
 * the granularity: `{{table}}` gives a file per table, `{{domain}}` one per domain, none one for all.
 */
export function groupByFile<T>(
  members: readonly Member<T>[],
  projectVars: Variables,
  diagnostics: Diagnostic[],
): FileGroup<T>[] {
  const groups = new Map<string, { config: DagConfig; file: string; members: Member<T>[] }>();
  const reported = new Set<string>();
  // The project variables a config's texts can name, once per config: copying all of them (the
  // process environment included) for every table and every file was most of the grouping's time
  // on large projects.
  const usable = new Map<DagConfig, Record<string, string>>();
  for (const m of members) {
    let named = usable.get(m.config);
    if (named === undefined) {
      named = namedVariables(m.config, projectVars);
      usable.set(m.config, named);
    }
    const { text, missing } = renderJinjaValue(m.config.filename.value, { ...named, ...m.vars });
    const problem =
      missing.length > 0
        ? `filename ${JSON.stringify(m.config.filename.value)} uses unknown variable ${missing[0]}; expected one of ${Object.keys(m.vars).sort().join(", ")} or a project variable`
        : text.includes("/") || text.includes("\\")
          ? `filename renders to ${JSON.stringify(text)}; expected a file name without folders`
          : undefined;
    if (problem) {
      if (!reported.has(m.config.name))
        diagnostics.push(diagnosticAt(m.config.filename.at, "error", "invalid_filename", problem));
      reported.add(m.config.name);
      continue;
    }
    // as DagGenerateJob: every `_-1` goes (the sl_project_id of a project without a master one)
    const file = text.trim().replaceAll("_-1", "");
    const key = `${m.config.name}\u0000${file}`;
    const group = groups.get(key) ?? { config: m.config, file, members: [] };
    group.members.push(m);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => ({
      config: g.config,
      file: g.file,
      fileId: sanitizeId(g.file.replace(/\.py$/, "").toLowerCase()),
      items: g.members.map((m) => m.item),
      vars: { ...(usable.get(g.config) as Record<string, string>), ...sharedVars(g.members) },
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.config.name.localeCompare(b.config.name));
}

function sharedVars<T>(members: readonly Member<T>[]): Record<string, string> {
  const [first, ...rest] = members;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.vars))
    if (rest.every((m) => m.vars[k] === v)) out[k] = v;
  return out;
}

/** Variables that pipeline settings read whatever the texts say (pipeline-settings.ts). */
const ALWAYS_READ = ["SL_ENV", "SL_ROOT"];

/** The project variables a dag config's filename, comment or options name. */
function namedVariables(config: DagConfig, projectVars: Variables): Record<string, string> {
  const texts = [config.filename.value, config.comment ?? ""];
  for (const option of config.options.values()) texts.push(option.value);
  const words = new Set([
    ...ALWAYS_READ,
    ...(texts.join("\n").match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []),
  ]);
  const named: Record<string, string> = {};
  for (const word of words)
    if (Object.hasOwn(projectVars, word)) named[word] = projectVars[word] as string;
  return named;
}
