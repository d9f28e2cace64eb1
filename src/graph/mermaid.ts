import type { Pipeline, TaskKind } from "../pipeline/pipeline.js";
import { type Cluster, graphView } from "./graph-view.js";

const SHAPES: Readonly<Record<TaskKind, [string, string]>> = {
  start: ["([", "])"],
  end: ["([", "])"],
  preload: ["{{", "}}"],
  stage: ["[/", "/]"],
  load: ["[", "]"],
  transform: ["(", ")"],
  empty: ["((", "))"],
  pre: ["[[", "]]"],
  post: ["[[", "]]"],
};

/** Mermaid text escapes: quotes and angle brackets as entity codes, so any name is safe. */
function label(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
}

/** A Mermaid flowchart (left to right); node ids are prefixed so `end` and friends are never keywords. */
export function toMermaid(pipelines: readonly Pipeline[]): string {
  const view = graphView(pipelines);
  const lines = ["flowchart LR"];
  const node = (key: string, kind: TaskKind, text: string, indent: string) => {
    const [open, close] = SHAPES[kind];
    lines.push(`${indent}n_${key}${open}${label(text)}${close}`);
  };
  const cluster = (c: Cluster, indent: string) => {
    lines.push(`${indent}subgraph ${c.key}[${label(c.label)}]`);
    for (const n of c.nodes) node(n.key, n.task.kind, n.task.id, `${indent}  `);
    for (const sub of c.clusters) cluster(sub, `${indent}  `);
    lines.push(`${indent}end`);
  };
  for (const n of view.nodes) node(n.key, n.task.kind, n.task.id, "  ");
  for (const c of view.roots) cluster(c, "  ");
  for (const e of view.edges) lines.push(`  n_${e.from} --> n_${e.to}`);
  // dotted: a run of the producer's pipeline triggers the other one through the dataset
  for (const e of view.datasetEdges)
    lines.push(`  n_${e.from} -.->|${label(e.dataset)}| n_${e.to}`);
  return `${lines.join("\n")}\n`;
}
