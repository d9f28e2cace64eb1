import type { Pipeline, Task } from "../../pipeline/pipeline.js";

/** A task that writes a table of the project: the only tasks that become Dagster assets. */
export const writesTable = (t: Task): t is Task & { produces: string } =>
  t.produces !== undefined && (t.kind === "load" || t.kind === "transform");

/**
 * The pipeline whose task defines each table's asset. Dagster defines an asset once per code
 * location, while a project may write one table from several pipelines (a `with_deps` pipeline
 * reloads what the per-table pipelines load): the owner is the pipeline writing the fewest
 * tables, the most specific one, then the first by id, so that the choice never depends on order.
 */
export function assetOwners(pipelines: readonly Pipeline[]): ReadonlyMap<string, string> {
  const size = new Map(
    pipelines.map((p) => [p.id, new Set(p.tasks.filter(writesTable).map((t) => t.produces)).size]),
  );
  const able = new Set(pipelines.filter((p) => trailingTasks(p) !== undefined).map((p) => p.id));
  const rank = (id: string): [number, string] => [size.get(id) ?? 0, id];
  const owners = new Map<string, string>();
  for (const p of pipelines.filter((x) => able.has(x.id)))
    for (const t of p.tasks.filter(writesTable)) {
      const current = owners.get(t.produces);
      if (current === undefined || before(rank(p.id), rank(current))) owners.set(t.produces, p.id);
    }
  return owners;
}

const before = (a: [number, string], b: [number, string]) =>
  a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * The tasks an asset definition of the pipeline leaves out: Dagster wants every last node of an
 * asset's graph to write an asset, so the trailing tasks that run nothing (\`end\`) go. Undefined
 * when a last task that runs something writes no table (a clean-up): such a pipeline defines no
 * asset and stays an op job.
 */
export function trailingTasks(p: Pipeline): ReadonlySet<string> | undefined {
  const dropped = new Set<string>();
  for (;;) {
    const leaves = p.tasks.filter(
      (t) => !dropped.has(t.id) && !p.edges.some((e) => e.from === t.id && !dropped.has(e.to)),
    );
    const idle = leaves.filter((t) => t.command === undefined && !writesTable(t));
    if (idle.length === 0) return leaves.every(writesTable) ? dropped : undefined;
    for (const t of idle) dropped.add(t.id);
  }
}
