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
}

/** One pipeline draws flat; several draw as one cluster each, node keys prefixed by the pipeline. */
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
  };
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
  };
}
