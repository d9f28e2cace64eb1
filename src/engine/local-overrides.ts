import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";

/**
 * The pipeline with every task given `retries` retries (`slo run --retries N`; 0 turns them off
 * for local work). Recorded with the run, so a resumed run keeps the override.
 */
export function withRetries(pipeline: Pipeline, retries: number | undefined): Pipeline {
  if (retries === undefined) return pipeline;
  return {
    ...pipeline,
    defaults: { ...pipeline.defaults, retries },
    tasks: pipeline.tasks.map((t) => (t.retries === undefined ? t : { ...t, retries })),
  };
}

/**
 * The pipeline reduced to one task, its upstreams taken as done (`slo run --pipeline P --task T`,
 * Airflow's `tasks test`): the task runs whatever its upstreams did, with the run's dates and
 * environment. Its dataset event is recorded when it succeeds, as it produced the data.
 */
export function singleTask(pipeline: Pipeline, taskId: string): Pipeline {
  const task = pipeline.tasks.find((t) => t.id === taskId);
  if (task === undefined) {
    const ids = pipeline.tasks.map((t) => t.id);
    const shown = ids.slice(0, 12).join(", ") + (ids.length > 12 ? ", …" : "");
    throw new ConfigError(
      `--task ${JSON.stringify(taskId)}: pipeline ${pipeline.id} has no such task; its tasks: ${shown}`,
    );
  }
  return { ...pipeline, tasks: [{ ...task, trigger: "all_success" }], edges: [] };
}
