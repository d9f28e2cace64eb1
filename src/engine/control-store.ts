import type { StatementSync } from "node:sqlite";
import type { StateStore } from "./state-store.js";

/** What can be asked of a run from outside (slo cancel, slo mark, slo retry). */
export type ControlAction = "cancel" | "mark_success" | "mark_failed" | "retry";

/** A control asked of a run, kept in the state until whoever holds the run has applied it. */
export interface ControlRequest {
  readonly id: number;
  readonly runId: string;
  /** The task it is about; null for `cancel`. */
  readonly taskId: string | null;
  readonly action: ControlAction;
}

interface Record {
  id: number;
  run_id: string;
  task_id: string | null;
  action: ControlAction;
  done_at: string | null;
  outcome: string | null;
}

const read = (r: Record): ControlRequest => ({
  id: r.id,
  runId: r.run_id,
  taskId: r.task_id,
  action: r.action,
});

/** Records a request; the holder of the run (or the requester, when nobody holds it) applies it. */
export function requestControl(
  store: StateStore,
  runId: string,
  taskId: string | null,
  action: ControlAction,
): number {
  const result = store.db
    .prepare("INSERT INTO controls(run_id, task_id, action, requested_at) VALUES (?, ?, ?, ?)")
    .run(runId, taskId, action, new Date().toISOString());
  return Number(result.lastInsertRowid);
}

/** The pending-requests query of each store, prepared once: a run's loop asks it every turn. */
const pendingQuery = new WeakMap<StateStore, StatementSync>();

/** The requests of a run not applied yet, oldest first. */
export function pendingControls(store: StateStore, runId: string): ControlRequest[] {
  let query = pendingQuery.get(store);
  if (query === undefined) {
    query = store.db.prepare(
      "SELECT * FROM controls WHERE run_id = ? AND done_at IS NULL ORDER BY id",
    );
    pendingQuery.set(store, query);
  }
  return (query.all(runId) as unknown as Record[]).map(read);
}

/** Records what became of a request: `applied`, or why it was refused (`refused: …`). */
export function settleControl(store: StateStore, id: number, outcome: string): void {
  store.db
    .prepare("UPDATE controls SET done_at = ?, outcome = ? WHERE id = ? AND done_at IS NULL")
    .run(new Date().toISOString(), outcome, id);
}

/** The outcome of a request once settled, else undefined. */
export function controlOutcome(store: StateStore, id: number): string | undefined {
  const row = store.db.prepare("SELECT done_at, outcome FROM controls WHERE id = ?").get(id) as
    | Pick<Record, "done_at" | "outcome">
    | undefined;
  return row?.done_at ? (row.outcome ?? "") : undefined;
}

/** Withdraws a request nobody applied; false when it was settled meanwhile. */
export function withdrawControl(store: StateStore, id: number): boolean {
  return (
    Number(
      store.db.prepare("DELETE FROM controls WHERE id = ? AND done_at IS NULL").run(id).changes,
    ) > 0
  );
}
