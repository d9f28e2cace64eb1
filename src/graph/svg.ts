import type { Pipeline } from "../pipeline/pipeline.js";
import { toDot } from "./dot.js";

/** SVG drawn by Graphviz compiled to WebAssembly: no browser, no system Graphviz. */
export async function toSvg(pipelines: readonly Pipeline[]): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(toDot(pipelines), { format: "svg", engine: "dot" });
}
