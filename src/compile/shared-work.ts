import type { Pipeline } from "../pipeline/pipeline.js";

/**
 * With `run_dependencies_first` the same transform or load can run in several pipelines: work
 * done twice by design. Each pipeline concerned gets a note naming the others, for `slo plan`.
 */
export function noteSharedWork(pipelines: readonly Pipeline[]): Pipeline[] {
  const runners = new Map<string, string[]>(); // task command name -> pipeline ids
  const name = (command: readonly string[] | undefined) =>
    command?.[0] === "transform"
      ? command[2]
      : command?.[0] === "load"
        ? `${command[2]}.${command[4]}`
        : undefined;
  for (const p of pipelines) {
    for (const t of p.tasks) {
      const n = t.kind === "transform" || t.kind === "load" ? name(t.command) : undefined;
      if (n !== undefined) runners.set(n, [...(runners.get(n) ?? []), p.id]);
    }
  }
  return pipelines.map((p) => {
    if (p.options.run_dependencies_first !== true) return p;
    const shared = p.tasks.flatMap((t) => {
      const n = name(t.command);
      const others = (n === undefined ? [] : (runners.get(n) ?? [])).filter((id) => id !== p.id);
      return others.length > 0 ? [`${n} (${others.join(", ")})`] : [];
    });
    if (shared.length === 0) return p;
    const note = `run_dependencies_first: work also done by other pipelines: ${shared.join(", ")}`;
    return { ...p, notes: [...(p.notes ?? []), note] };
  });
}
