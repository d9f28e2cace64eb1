import type { Pipeline, PreloadGate, Task } from "../pipeline/pipeline.js";
import type { TaskRow } from "./state-store.js";
import type { TaskState } from "./trigger.js";

/** The note of a pre-load check that found nothing: its downstream tasks are skipped. */
export const NOTHING_TO_LOAD = "nothing to load";

/** The changes of a task row, as the run's loop writes them. */
export type RowChange = Partial<Omit<TaskRow, "runId" | "taskId">>;

/** A task's state as its downstream sees it: a check that found nothing counts as skipped. */
export function seenState(row: TaskRow): TaskState {
  return row.state === "success" && row.note === NOTHING_TO_LOAD ? "skipped" : row.state;
}

/** After a failed try: queued again once the retry delay has passed, or failed for good. */
export function afterFailure(
  task: Task,
  pipeline: Pipeline,
  row: TaskRow,
  why: string,
  at: number,
): RowChange {
  const retries = task.retries ?? pipeline.defaults.retries;
  // Cloud Run tasks have their own delay (retry_delay_in_seconds), as on Airflow
  const e = pipeline.environment;
  const delay =
    task.retryDelay ?? (e.kind === "cloud_run" ? e.retryDelay : pipeline.defaults.retryDelay);
  const failures = row.failures + 1;
  if (failures <= retries)
    return {
      state: "queued",
      failures,
      notBefore: at + delay * 1000,
      note: `${why}; retry ${failures} of ${retries} in ${delay} s`,
    };
  return { state: "failed", failures, note: why, finishedAt: new Date(at).toISOString() };
}

/**
 * After a sensor's check found nothing yet: poke again after the interval while that stays
 * within the timeout (counted from the first poke), else skipped (soft fail) or failed.
 */
export function afterNotReady(
  sensor: NonNullable<PreloadGate["sensor"]>,
  row: TaskRow,
  at: number,
): RowChange {
  const nextPoke = at + sensor.pokeInterval * 1000;
  if (nextPoke < (row.firstStart ?? at) + sensor.timeout * 1000)
    return { state: "queued", notBefore: nextPoke, note: "nothing to load yet" };
  return {
    state: sensor.softFail ? "skipped" : "failed",
    note: `nothing to load within ${sensor.timeout} s`,
    finishedAt: new Date(at).toISOString(),
  };
}
