import type { Orchestrator } from "../orchestrator.js";
import { renderAirflowDag } from "./render-dag.js";

/** Airflow 3: one DAG file per pipeline, named after it. */
export const airflow: Orchestrator = {
  name: "airflow",
  description: "Airflow 3 DAG files (one per pipeline)",
  render: (pipelines, context) =>
    pipelines.map((p) => ({
      path: `${p.id}.py`,
      content: renderAirflowDag(p, context.source, context.rootDefault),
      pipelines: [p.id],
    })),
};
