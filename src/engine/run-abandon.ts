import type { StateStore } from "./state-store.js";

/**
 * After a failure of ours, once the run's attempts were stopped: what the store holds (not what
 * the loop held, since the failed transaction was rolled back) is ended, attempts lost and
 * unfinished tasks failed, and the run fails, as far as the state can still be written.
 */
export function failAbandonedRun(store: StateStore, runId: string, e: unknown): void {
  const why = `stopped by an internal error of the engine: ${(e as Error)?.message ?? e}`;
  const at = new Date().toISOString();
  try {
    store.transaction(() => {
      for (const a of store.attempts(runId))
        if (a.state === "running") store.endAttempt(runId, a.taskId, a.attempt, "lost", null);
      for (const row of store.tasks(runId))
        if (row.state === "queued" || row.state === "running")
          store.updateTask(runId, row.taskId, { state: "failed", note: why, finishedAt: at });
      store.finishRun(runId, "failed");
    });
  } catch {
    // the failure itself is reported by the caller
  }
}
