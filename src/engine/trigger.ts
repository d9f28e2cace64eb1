import type { TriggerRule } from "../pipeline/pipeline.js";

/** What a task is doing in a run. `queued` also covers a task waiting for its retry delay. */
export type TaskState = "queued" | "running" | "success" | "failed" | "skipped" | "upstream_failed";

export const FINISHED: ReadonlySet<TaskState> = new Set([
  "success",
  "failed",
  "skipped",
  "upstream_failed",
]);

/**
 * Whether a queued task may run, given its upstreams' states (Airflow's trigger rules):
 * `wait` while an upstream is unfinished, else `run`, or the final state it takes without running.
 */
export function triggerDecision(
  rule: TriggerRule,
  upstream: readonly TaskState[],
): "wait" | "run" | "skipped" | "upstream_failed" {
  if (upstream.some((s) => !FINISHED.has(s))) return "wait";
  if (rule === "all_done") return "run";
  if (upstream.some((s) => s === "failed" || s === "upstream_failed")) return "upstream_failed";
  if (rule === "all_success") return upstream.every((s) => s === "success") ? "run" : "skipped";
  return upstream.length === 0 || upstream.some((s) => s === "success") ? "run" : "skipped";
}
