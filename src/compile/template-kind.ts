import { environmentNames } from "../environments/registry.js";

/** What a dag config's template says: load or transform, and the execution environment. */
export interface TemplateKind {
  readonly kind: "load" | "transform";
  readonly environment: string;
  /** Orchestrator named by the template (`airflow`, `dagster`…); informative only: we render to any. */
  readonly orchestrator?: string;
}

const ENVIRONMENTS: Readonly<Record<string, string>> = {
  shell: "shell",
  bash: "shell",
  cloud_run: "cloud_run",
  dataproc: "dataproc",
  fargate: "fargate",
  sql: "sql",
};

/**
 * Reads Starlake's template naming (`load/airflow__scheduled_table__shell.py.j2`,
 * `transform/dagster__scheduled_task__cloud_run.py.j2`, older `airflow_scheduled_table_bash.py.j2`).
 * Returns undefined for a template whose kind cannot be told.
 */
export function templateKind(template: string): TemplateKind | undefined {
  const base = template.split("/").pop() ?? template;
  const stem = base.replace(/\.py(\.j2)?$/, "");
  const kind = /scheduled_table|(^|\/)load\//.test(template)
    ? "load"
    : /scheduled_task|(^|\/)transform\//.test(template)
      ? "transform"
      : undefined;
  if (kind === undefined) return undefined;
  const orchestrator = /^([a-z]+)_/.exec(stem)?.[1];
  const suffix = environmentSuffix(stem);
  return {
    kind,
    environment: suffix ?? "shell",
    ...(orchestrator ? { orchestrator } : {}),
  };
}

/**
 * The environment a template's name ends with (`…__dataproc`, `…_bash`), a registered one's
 * included: a user's environment named in a template is never read as the shell. The longest
 * name wins (`my_cloud_run` over `cloud_run`).
 */
function environmentSuffix(stem: string): string | undefined {
  const names = [...new Set([...Object.keys(ENVIRONMENTS), ...environmentNames()])].sort(
    (a, b) => b.length - a.length,
  );
  const found = names.find((e) => stem.endsWith(`_${e}`) || stem === e);
  return found === undefined ? undefined : (ENVIRONMENTS[found] ?? found);
}

/** Option prefixes that only make sense for one execution environment. */
const OPTION_HINTS: readonly (readonly [RegExp, string])[] = [
  [/^cloud_run_/, "cloud_run"],
  [/^dataproc_/, "dataproc"],
  [/^aws_/, "fargate"],
];

/**
 * The kind and execution environment a dag config gets when `usedFor` references it. Starlake
 * picks the generator from who references the config (tables: `generateDomainDags`, tasks:
 * `generateTaskDags`), never from the template's name, and any template file is legal (`starlake
 * validate` does not look at it). A standard name of the other kind is noted (Starlake would render
 * that template for the wrong kind of work); a name we do not know is noted too: we render our own
 * files for it.
 */
export function kindFor(
  template: string,
  optionKeys: readonly string[],
  usedFor: "load" | "transform",
): { kind: TemplateKind; note?: string; mismatch?: true } {
  const known = templateKind(template);
  if (known?.environment === "sql") {
    // Starlake's SQL templates (snowflake__…, starlake__…): the SQL runs as Snowflake tasks or
    // through a database session, which no runner of ours renders; the starlake command runs the
    // same work through the project's connection.
    return {
      kind: { ...known, kind: usedFor, environment: "shell" },
      note: `template ${JSON.stringify(template)} is for Starlake's ${known.orchestrator ?? "SQL"} orchestrator, which runs the SQL statements itself (as Snowflake tasks, or through a database session) and which slo does not render: slo renders its own ${usedFor} pipelines for this dag config, in the shell execution environment (the starlake command runs the same ${usedFor} through the project's connection)`,
    };
  }
  if (known !== undefined) {
    if (known.kind === usedFor) return { kind: known };
    return {
      kind: { ...known, kind: usedFor },
      mismatch: true,
      note: `template ${JSON.stringify(template)} is a ${known.kind} template, referenced for a ${usedFor}: Starlake would render it for this ${usedFor}; slo makes ${usedFor} pipelines for this dag config`,
    };
  }
  const stem = (template.split("/").pop() ?? template).replace(/\.py(\.j2)?$|\.j2$/, "");
  const suffix = environmentSuffix(stem);
  const hint = OPTION_HINTS.find(([re]) => optionKeys.some((k) => re.test(k)));
  const environment = suffix ?? hint?.[1] ?? "shell";
  const why = suffix
    ? `the template's name ends with ${suffix}`
    : hint
      ? `the dag config sets ${optionKeys.find((k) => hint[0].test(k))}`
      : "neither the template's name nor the options name another one, and shell runs the starlake command where the orchestrator runs";
  const orchestrator = /^([a-z]+)__/.exec(stem)?.[1];
  return {
    kind: { kind: usedFor, environment, ...(orchestrator ? { orchestrator } : {}) },
    note: `template ${JSON.stringify(template)} is not one of Starlake's standard templates: slo does not use it and renders its own ${usedFor} pipelines for this dag config, in the ${environment} execution environment (${why})`,
  };
}
