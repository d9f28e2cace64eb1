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
  const suffix = Object.keys(ENVIRONMENTS).find((e) => stem.endsWith(`_${e}`));
  return {
    kind,
    environment: ENVIRONMENTS[suffix ?? "shell"] ?? "shell",
    ...(orchestrator ? { orchestrator } : {}),
  };
}
