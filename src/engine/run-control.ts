import type { Pipeline } from "../pipeline/pipeline.js";
import { type ControlRequest, pendingControls, settleControl } from "./control-store.js";
import type { RunState, StateStore, TaskRow } from "./state-store.js";
import type { RowChange } from "./task-outcome.js";

/** How often the process holding a run looks for the controls asked of it (milliseconds). */
export const CONTROL_MS = 250;

/** What a control does to a run: task changes, attempts to stop, and the run's new state. */
export interface ControlEffect {
  readonly changes: ReadonlyArray<{ readonly taskId: string; readonly change: RowChange }>;
  /** Tasks whose running attempt is stopped (its process group), its end recorded as it comes. */
  readonly stop: readonly string[];
  /** `cancelled`: the run ends so; `running`: a finished run has tasks to run again (reopened). */
  readonly runState?: "cancelled" | "running";
  /** One line for the requester. */
  readonly said: string;
}

/**
 * What `request` does to a run in state `runState` whose tasks are `rows`, or why it is refused.
 * Pure: the process holding the run and a requester acting on a run nobody holds both apply it.
 * - cancel: running tasks fail and queued ones are skipped (note "cancelled"); the run ends
 *   `cancelled` once its attempts have stopped.
 * - mark success / failed: the task takes that state (a running attempt is stopped); marked
 *   success, the tasks downstream that it had failed are queued again.
 * - retry: a failed task, or one waiting for its retry delay or its next poke, is queued to run
 *   now, with one more try; the tasks downstream that it had failed are queued again.
 */
export function controlEffect(
  pipeline: Pipeline,
  rows: ReadonlyMap<string, TaskRow>,
  runState: RunState,
  request: Pick<ControlRequest, "action" | "taskId">,
  now: number,
): ControlEffect | { refused: string } {
  const at = new Date(now).toISOString();
  if (request.action === "cancel") {
    if (runState !== "running") return { refused: `the run already ended ${runState}` };
    const changes: Array<{ taskId: string; change: RowChange }> = [];
    const stop: string[] = [];
    for (const row of rows.values()) {
      if (row.state === "running") stop.push(row.taskId);
      if (row.state === "running" || row.state === "queued")
        changes.push({
          taskId: row.taskId,
          change: {
            state: row.state === "running" ? "failed" : "skipped",
            note: "cancelled",
            finishedAt: at,
          },
        });
    }
    return { changes, stop, runState: "cancelled", said: "cancelled" };
  }
  const taskId = request.taskId ?? "";
  const row = rows.get(taskId);
  if (row === undefined) return { refused: `the run has no task ${taskId}` };
  if (runState === "cancelled") return { refused: "the run was cancelled" };
  if (request.action === "retry") {
    const waiting = row.state === "queued" && row.notBefore > now;
    if (row.state !== "failed" && !waiting)
      return {
        refused: `task ${taskId} is ${row.state === "queued" ? "queued, not waiting for a retry" : row.state}; only a failed task, or one waiting for its retry, can be retried`,
      };
    const change: RowChange = waiting
      ? { notBefore: 0, note: "retry asked now" }
      : { state: "queued", notBefore: 0, note: "retry asked", finishedAt: null };
    return reopened(pipeline, rows, runState, taskId, change, [], "queued to run now");
  }
  const state = request.action === "mark_success" ? "success" : "failed";
  const change: RowChange = { state, note: `marked ${state}`, finishedAt: at };
  const stop = row.state === "running" ? [taskId] : [];
  return reopened(pipeline, rows, runState, taskId, change, stop, `marked ${state}`);
}

/** The change of `taskId`, with the tasks downstream that its failure failed queued again. */
function reopened(
  pipeline: Pipeline,
  rows: ReadonlyMap<string, TaskRow>,
  runState: RunState,
  taskId: string,
  change: RowChange,
  stop: readonly string[],
  said: string,
): ControlEffect {
  const changes = [{ taskId, change }];
  if (change.state !== "failed") {
    const seen = new Set([taskId]);
    for (let i = 0; i < changes.length; i++) {
      const from = changes[i]?.taskId;
      for (const e of pipeline.edges) {
        if (e.from !== from || seen.has(e.to)) continue;
        seen.add(e.to);
        if (rows.get(e.to)?.state !== "upstream_failed") continue;
        changes.push({
          taskId: e.to,
          change: { state: "queued", note: null, notBefore: 0, finishedAt: null },
        });
      }
    }
  }
  const queues = changes.some((c) => c.change.state === "queued");
  return {
    changes,
    stop,
    ...(runState !== "running" && queues ? { runState: "running" as const } : {}),
    said,
  };
}

/** Whether a cancel of the run was applied (the holder may have died before the run ended). */
export function wasCancelled(store: StateStore, runId: string): boolean {
  return (
    store.db
      .prepare(
        "SELECT 1 FROM controls WHERE run_id = ? AND action = 'cancel' AND done_at IS NOT NULL AND outcome NOT LIKE 'refused:%' LIMIT 1",
      )
      .get(runId) !== undefined
  );
}

/**
 * Applies the requests pending for a run held by this process (in the caller's transaction):
 * `update` changes a task as the run's loop does. Returns the tasks whose attempt is to be
 * stopped, and whether the run is cancelled.
 */
export function applyControls(
  store: StateStore,
  runId: string,
  pipeline: Pipeline,
  rows: ReadonlyMap<string, TaskRow>,
  update: (taskId: string, change: RowChange) => void,
): { stop: string[]; cancelled: boolean } {
  const stop: string[] = [];
  let cancelled = false;
  for (const request of pendingControls(store, runId)) {
    const effect = controlEffect(pipeline, rows, "running", request, Date.now());
    if ("refused" in effect) {
      settleControl(store, request.id, `refused: ${effect.refused}`);
      continue;
    }
    for (const { taskId, change } of effect.changes) update(taskId, change);
    stop.push(...effect.stop);
    cancelled ||= effect.runState === "cancelled";
    settleControl(store, request.id, `${effect.said} (by pid ${process.pid}, which runs it)`);
  }
  return { stop, cancelled };
}
