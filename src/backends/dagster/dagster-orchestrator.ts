import type { Orchestrator } from "../orchestrator.js";
import { renderDagsterDefinitions } from "./render-definitions.js";

/** Dagster 1.13: one module, `definitions.py`, exposing `defs` (load it with `dagster dev -f`). */
export const dagster: Orchestrator = {
  name: "dagster",
  description: "Dagster definitions (one module exposing defs)",
  render: (pipelines, context) => [
    {
      path: "definitions.py",
      content: renderDagsterDefinitions(
        pipelines,
        context.source,
        context.lineage,
        context.rootDefault,
      ),
    },
  ],
};
