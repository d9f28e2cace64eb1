import type { Pipeline } from "../../src/pipeline/pipeline.js";

/**
 * The orchestrator-neutral shape of a DAG, to compare ours with what real `starlake dag-generate`
 * writes: each task that runs a Starlake command is named by that command (`load shop.orders`,
 * `transform kpi.revenue`), so ids, groups and helper tasks (skips, sensors' wrappers) do not
 * matter; an edge links each such task to its nearest such ancestors.
 */
export interface DagShape {
  readonly schedule: string;
  readonly tasks: readonly string[];
  readonly edges: readonly string[];
}

/** `load D.T`, `transform X`, `preload D`, `stage D`, `start`, `end`, or null for other tasks. */
export function commandKey(id: string, words: readonly string[] | null): string | null {
  if (words === null || words.length === 0) {
    // The Python library names them `start_<schedule>` and `end_<schedule>` in a file that holds
    // a DAG per schedule
    const last = /^(start|end)(?:_\w+)?$/.exec(id.split(".").pop() ?? id);
    return last ? (last[1] as string) : null;
  }
  const at = words.findIndex((w) =>
    ["load", "transform", "preload", "stage", "import"].includes(w),
  );
  if (at < 0) return null;
  const value = (flag: string) => {
    const i = words.indexOf(flag, at);
    return i < 0 ? "?" : (words[i + 1] ?? "?");
  };
  switch (words[at]) {
    case "load":
      return `load ${value("--domains")}.${value("--tables")}`;
    case "transform":
      return `transform ${value("--name")}`;
    case "preload":
      return `preload ${value("--domain")}`;
    default:
      return `stage ${value("--domains")}`;
  }
}

/** Collapses a task graph to its keyed tasks. */
export function shapeOf(
  schedule: string,
  tasks: ReadonlyMap<string, { key: string | null; upstream: readonly string[] }>,
): DagShape {
  const nearest = new Map<string, Set<string>>();
  const keyedAbove = (id: string): Set<string> => {
    const known = nearest.get(id);
    if (known) return known;
    const found = new Set<string>();
    nearest.set(id, found);
    for (const up of tasks.get(id)?.upstream ?? []) {
      const key = tasks.get(up)?.key;
      if (key) found.add(key);
      else for (const k of keyedAbove(up)) found.add(k);
    }
    return found;
  };
  const keys = new Set<string>();
  const edges = new Set<string>();
  for (const [id, task] of tasks) {
    if (!task.key) continue;
    keys.add(task.key);
    for (const up of keyedAbove(id)) edges.add(`${up} -> ${task.key}`);
  }
  return { schedule, tasks: [...keys].sort(), edges: [...edges].sort() };
}

export function pipelineShape(p: Pipeline): DagShape {
  const tasks = new Map<string, { key: string | null; upstream: string[] }>();
  for (const t of p.tasks)
    tasks.set(t.id, { key: commandKey(t.id, t.command ?? null), upstream: [] });
  for (const e of p.edges) tasks.get(e.to)?.upstream.push(e.from);
  const s = p.schedule;
  const schedule =
    s.kind === "cron"
      ? `cron ${s.cron}`
      : s.kind === "datasets"
        ? `assets ${[...s.datasets].sort().join(" ")}`
        : "manual";
  return shapeOf(schedule, tasks);
}

interface AirflowTask {
  readonly type: string;
  readonly upstream: readonly string[];
  readonly bash_command: string | null;
}

/** The shape of a DAG as tests/integration/airflow/inspect_dags.py describes it. */
export function airflowShape(dag: {
  schedule: unknown;
  tasks: Record<string, AirflowTask>;
}): DagShape {
  const tasks = new Map<string, { key: string | null; upstream: readonly string[] }>();
  for (const [id, t] of Object.entries(dag.tasks)) {
    const words = t.bash_command ? t.bash_command.split(/\s+/) : null;
    tasks.set(id, { key: commandKey(id, words), upstream: t.upstream });
  }
  return shapeOf(airflowSchedule(dag.schedule), tasks);
}

function airflowSchedule(schedule: unknown): string {
  if (schedule === "NullTimetable") return "manual";
  if (typeof schedule === "object" && schedule !== null) {
    const s = schedule as { cron?: string; assets?: unknown };
    if (s.cron !== undefined) return `cron ${s.cron}`;
    if (s.assets !== undefined) return `assets ${assetUris(s.assets).sort().join(" ")}`;
  }
  return String(schedule);
}

function assetUris(expression: unknown): string[] {
  if (typeof expression === "string") return [expression];
  if (typeof expression === "object" && expression !== null)
    return Object.values(expression).flatMap((list) =>
      Array.isArray(list) ? list.flatMap(assetUris) : [],
    );
  return [];
}
