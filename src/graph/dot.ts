import type { Pipeline, TaskKind } from "../pipeline/pipeline.js";
import { type Cluster, graphView } from "./graph-view.js";

const STYLE: Readonly<Record<TaskKind, string>> = {
  start: 'shape=oval, fillcolor="#e8e8e8"',
  end: 'shape=oval, fillcolor="#e8e8e8"',
  preload: 'shape=hexagon, fillcolor="#fff2cc"',
  stage: 'shape=parallelogram, fillcolor="#fde9d9"',
  load: 'shape=box, fillcolor="#dae8fc"',
  transform: 'shape=box, style="rounded,filled", fillcolor="#d5e8d4"',
  empty: "shape=point",
  pre: 'shape=box3d, fillcolor="#eeeeee"',
  post: 'shape=box3d, fillcolor="#eeeeee"',
};

/** A DOT string literal: backslashes, quotes and newlines escaped. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Graphviz DOT, clusters for groups (and for pipelines when there are several). */
export function toDot(pipelines: readonly Pipeline[]): string {
  const view = graphView(pipelines);
  const name = pipelines.length === 1 ? (pipelines[0]?.id ?? "pipelines") : "pipelines";
  const lines = [
    `digraph ${dotString(name)} {`,
    "  rankdir=LR;",
    '  graph [fontname="Helvetica", fontsize=11, style="rounded", color="#888888"];',
    '  node [fontname="Helvetica", fontsize=10, style=filled];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  const node = (key: string, kind: TaskKind, text: string, indent: string) =>
    lines.push(`${indent}${dotString(key)} [label=${dotString(text)}, ${STYLE[kind]}];`);
  const cluster = (c: Cluster, indent: string) => {
    lines.push(
      `${indent}subgraph ${dotString(`cluster_${c.key}`)} {`,
      `${indent}  label=${dotString(c.label)};`,
    );
    for (const n of c.nodes) node(n.key, n.task.kind, n.task.id, `${indent}  `);
    for (const sub of c.clusters) cluster(sub, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const n of view.nodes) node(n.key, n.task.kind, n.task.id, "  ");
  for (const c of view.roots) cluster(c, "  ");
  for (const e of view.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  // dashed: a run of the producer's pipeline triggers the other one through the dataset
  for (const e of view.datasetEdges)
    lines.push(
      `  ${dotString(e.from)} -> ${dotString(e.to)} [style=dashed, color="#2a6ebb", fontsize=9, label=${dotString(e.dataset)}];`,
    );
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
