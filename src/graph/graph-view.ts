import type { Pipeline, Task } from "../pipeline/pipeline.js";

/** A drawing-oriented view of pipelines: clusters (pipelines, groups) holding nodes, and edges. */
export interface Cluster {
  readonly key: string;
  readonly label: string;
  readonly nodes: readonly { key: string; task: Task }[];
  readonly clusters: readonly Cluster[];
}

export interface GraphView {
  readonly roots: readonly Cluster[];
  /** Nodes outside every cluster. */
  readonly nodes: readonly { key: string; task: Task }[];
  readonly edges: readonly { from: string; to: string }[];
  /**
   * Between pipelines: from the task that produces a dataset to the start of each drawn pipeline
   * that a new event of it can trigger (its schedule lists the dataset).
   */
  readonly datasetEdges: readonly { from: string; to: string; dataset: string }[];
}

/**
 * One pipeline draws flat; several draw as one cluster each, node keys prefixed by the pipeline,
 * with the dataset edges that link them.
 */
export function graphView(pipelines: readonly Pipeline[]): GraphView {
  const single = pipelines.length === 1;
  const views = pipelines.map((p) => pipelineView(p, single ? "" : `${p.id}__`));
  if (single) return views[0] as GraphView;
  return {
    roots: pipelines.map((p, i) => {
      const v = views[i] as GraphView;
      return { key: `p_${p.id}`, label: p.id, nodes: v.nodes, clusters: v.roots };
    }),
    nodes: [],
    edges: views.flatMap((v) => v.edges),
    datasetEdges: datasetEdges(pipelines, (p, id) => `${p.id}__${id}`),
  };
}

/** Producer task → the entry tasks of the pipelines its dataset triggers (not itself). */
function datasetEdges(
  pipelines: readonly Pipeline[],
  key: (p: Pipeline, taskId: string) => string,
): GraphView["datasetEdges"] {
  const producers = new Map<string, string[]>();
  for (const p of pipelines)
    for (const t of p.tasks)
      if (t.produces !== undefined)
        producers.set(t.produces, [...(producers.get(t.produces) ?? []), key(p, t.id)]);
  return pipelines.flatMap((p) => {
    if (p.schedule.kind !== "datasets") return [];
    const entries = entryTasks(p).map((id) => key(p, id));
    return p.schedule.datasets.flatMap((dataset) =>
      (producers.get(dataset) ?? [])
        .filter((from) => !from.startsWith(`${p.id}__`))
        .flatMap((from) => entries.map((to) => ({ from, to, dataset }))),
    );
  });
}

/** Where a run starts: its `start` task, else every task no edge leads to. */
function entryTasks(p: Pipeline): string[] {
  const start = p.tasks.find((t) => t.kind === "start");
  if (start !== undefined) return [start.id];
  const led = new Set(p.edges.map((e) => e.to));
  return p.tasks.filter((t) => !led.has(t.id)).map((t) => t.id);
}

function pipelineView(p: Pipeline, prefix: string): GraphView {
  const key = (id: string) => `${prefix}${id}`;
  const cluster = (groupId: string): Cluster => ({
    key: `g_${prefix}${groupId}`,
    label: p.groups.find((g) => g.id === groupId)?.label ?? groupId,
    nodes: p.tasks.filter((t) => t.group === groupId).map((t) => ({ key: key(t.id), task: t })),
    clusters: p.groups.filter((g) => g.parent === groupId).map((g) => cluster(g.id)),
  });
  return {
    roots: p.groups.filter((g) => g.parent === undefined).map((g) => cluster(g.id)),
    nodes: p.tasks.filter((t) => t.group === undefined).map((t) => ({ key: key(t.id), task: t })),
    edges: p.edges.map((e) => ({ from: key(e.from), to: key(e.to) })),
    datasetEdges: [],
  };
}
