import { Option } from "commander";
import { compileProject } from "../compile/compile-project.js";
import type { PlanResult } from "../compile/plan-project.js";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { LoadTable, Project, Transform } from "../project/project.js";
import { printable } from "../remote/printable.js";
import { closest } from "../util/suggest.js";

/** The selection flags, as commander hands them over (`true` for a bare `--domains`). */
export interface SelectionFlags {
  pipeline?: string[];
  tags?: string[];
  domains?: true | string[];
  tasks?: true | string[];
}

/** `--tags`, read as `starlake dag-generate --tags` reads it (comma-separated, or repeated). */
export const tagsOption = () =>
  new Option(
    "--tags <tag...>",
    "only the tables and transforms tagged with one of these (comma-separated or repeated)",
  );

/** `--domains`: bare, as `starlake dag-generate --domains`; with names, ours. */
export const domainsOption = () =>
  new Option(
    "--domains [domain...]",
    "only load pipelines; with names, only the tables of these load domains",
  );

/** `--tasks`: bare, as `starlake dag-generate --tasks`; with names, ours. */
export const tasksOption = () =>
  new Option(
    "--tasks [task...]",
    "only transform pipelines; with names (domain.task, or a domain), only these transforms",
  );

/**
 * The pipelines the selection flags choose. `--tags`, `--domains` and `--tasks` work as in
 * `starlake dag-generate`: they filter the tables and transforms before they are grouped into
 * pipelines, so a pipeline keeps only the selected ones and a pipeline left with none is gone;
 * `--domains` and `--tasks` together take both kinds, `--tags` narrows whatever they take.
 * `--pipeline` then narrows by id. A selector that matches nothing is bad input.
 */
export function choosePipelines(plan: PlanResult, flags: SelectionFlags): Pipeline[] {
  const { tags, domains, tasks } = flags;
  if (plan.project === undefined || (!tags && !domains && !tasks))
    return selectPipelines(plan.pipelines, flags.pipeline);
  const only = selection(plan.project, flags);
  const compiled = compileProject(plan.project, { env: process.env, only }).pipelines;
  if (compiled.length === 0)
    throw new ConfigError(
      `${describe(flags)}: selects no pipeline (the tables and transforms it matches have no dagRef)`,
    );
  const ids = flags.pipeline;
  if (ids !== undefined) {
    const kept = new Set(compiled.map((p) => p.id));
    const all = new Set(plan.pipelines.map((p) => p.id));
    for (const id of ids)
      if (all.has(id) && !kept.has(id))
        throw new ConfigError(`--pipeline ${id}: holds nothing that ${describe(flags)} selects`);
  }
  return selectPipelines(compiled, ids);
}

/** The pipelines named by `--pipeline`, all when none is named; an unknown id is bad input. */
export function selectPipelines(
  pipelines: readonly Pipeline[],
  ids: readonly string[] | undefined,
): Pipeline[] {
  if (ids === undefined || ids.length === 0) return [...pipelines];
  const byId = new Map(pipelines.map((p) => [p.id, p]));
  return ids.map((id) => {
    const p = byId.get(id);
    if (p) return p;
    const meant = closest(id, byId.keys());
    throw new ConfigError(
      `--pipeline ${id}: no such pipeline${meant ? `; did you mean ${meant}?` : `; expected one of ${[...byId.keys()].join(", ")}`}`,
    );
  });
}

type Only = NonNullable<Parameters<typeof compileProject>[1]>["only"];

/** The predicates of a selection, each name checked against the project first. */
function selection(project: Project, flags: SelectionFlags): Only {
  const tables = project.domains.flatMap((d) => d.tables);
  const tags = values("--tags", flags.tags);
  const knownTags = new Set([...tables, ...project.transforms].flatMap((x) => x.tags ?? []));
  for (const t of tags ?? [])
    knownTags.has(t) || unknown("--tags", t, knownTags, "no table or transform has this tag");
  const domains = values("--domains", flags.domains);
  const knownDomains = new Set(project.domains.map((x) => x.name));
  for (const d of domains ?? [])
    knownDomains.has(d) || unknown("--domains", d, knownDomains, "no load domain has this name");
  const tasks = values("--tasks", flags.tasks);
  const knownTasks = new Set(project.transforms.flatMap((x) => [x.fullName, x.domain]));
  for (const t of tasks ?? [])
    knownTasks.has(t) ||
      unknown(
        "--tasks",
        t,
        knownTasks,
        "no transform (domain.task) or transform domain has this name",
      );
  const tagged = (x: LoadTable | Transform) =>
    tags === undefined || (x.tags ?? []).some((t) => tags.includes(t));
  // neither kind flag takes both kinds, as in Starlake
  const both = flags.domains === undefined && flags.tasks === undefined;
  const only = {
    load: (t: LoadTable) =>
      (both || (flags.domains !== undefined && (domains ?? [t.domain]).includes(t.domain))) &&
      tagged(t),
    transform: (t: Transform) =>
      (both ||
        (flags.tasks !== undefined &&
          (tasks === undefined || tasks.includes(t.fullName) || tasks.includes(t.domain)))) &&
      tagged(t),
  };
  if (!tables.some(only.load) && !project.transforms.some(only.transform))
    throw new ConfigError(`${describe(flags)}: matches no table or transform of the project`);
  return only;
}

/** `--tags a,b --tags c` as [a, b, c]; a bare flag (`true`) as undefined. */
function values(name: string, flag: true | string[] | undefined): string[] | undefined {
  if (flag === undefined || flag === true) return undefined;
  const list = flag.flatMap((v) => v.split(",")).map((v) => v.trim());
  if (list.length === 0 || list.some((v) => v === ""))
    throw new ConfigError(
      `${name} ${JSON.stringify(flag.join(" "))}: expected names separated by commas, found an empty one`,
    );
  return list;
}

function unknown(flag: string, name: string, known: ReadonlySet<string>, why: string): never {
  const meant = closest(name, known);
  const sorted = [...known].sort();
  const hint = meant
    ? `; did you mean ${meant}?`
    : sorted.length > 0
      ? `; expected one of ${sorted.slice(0, 20).join(", ")}${sorted.length > 20 ? ", …" : ""}`
      : "; the project has none";
  // names come from the project's files and the command line: no control character reaches the terminal
  throw new ConfigError(printable(`${flag} ${name}: ${why}${hint}`));
}

/** The selection as the user wrote it, to name it in a message. */
function describe(flags: SelectionFlags): string {
  const part = (name: string, v: true | string[] | undefined) =>
    v === undefined ? [] : [v === true ? name : `${name} ${v.join(",")}`];
  return [
    ...part("--tags", flags.tags),
    ...part("--domains", flags.domains),
    ...part("--tasks", flags.tasks),
  ].join(" ");
}
