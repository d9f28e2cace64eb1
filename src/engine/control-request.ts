import { join } from "node:path";
import { ConfigError, RunError } from "../errors.js";
import { findAttempt } from "./attempt-reconcile.js";
import { AttemptStarter } from "./attempt-starter.js";
import {
  type ControlAction,
  controlOutcome,
  requestControl,
  settleControl,
  withdrawControl,
} from "./control-store.js";
import { CONTROL_MS, controlEffect } from "./run-control.js";
import { runKeyOf, tearDownRun } from "./run-environment.js";
import { lockRun, RunHeldError } from "./run-lock.js";
import type { StateStore } from "./state-store.js";

export interface ControlAsk {
  readonly runId: string;
  readonly taskId: string | null;
  readonly action: ControlAction;
}

/** How a control ended: what it did, and whether the run is left to resume (nobody holds it). */
export interface ControlAnswer {
  readonly said: string;
  readonly resumable: boolean;
}

/**
 * Asks a control of a run (slo cancel, mark, retry). It is recorded in the state; the process
 * that holds the run (slo run, slo serve) applies it at its next turn, and this waits for its
 * answer (up to `waitMs`, then withdraws it: exit 1). When nobody holds the run, this process
 * takes the run's lock and applies it itself, stopping the process groups of the attempts it
 * stops. A control the run's state does not allow is bad input, said before anything is done.
 */
export async function askControl(
  store: StateStore,
  logsDir: string,
  ask: ControlAsk,
  waitMs = 60_000,
): Promise<ControlAnswer> {
  check(store, ask);
  const id = store.transaction(() => requestControl(store, ask.runId, ask.taskId, ask.action));
  const until = Date.now() + waitMs;
  for (;;) {
    const outcome = controlOutcome(store, id);
    if (outcome !== undefined) {
      answered(ask, outcome);
      // a cancelled run ends once its attempts have stopped: said when it has
      while (ask.action === "cancel" && store.run(ask.runId)?.state === "running") {
        if (Date.now() >= until || (await endCancelled(store, logsDir, ask.runId))) break;
        await new Promise((r) => setTimeout(r, CONTROL_MS / 2));
      }
      return { said: outcome, resumable: false };
    }
    let lock: ReturnType<typeof lockRun> | undefined;
    try {
      lock = lockRun(store.path, logsDir, ask.runId);
    } catch (e) {
      if (!(e instanceof RunHeldError)) throw e;
    }
    if (lock !== undefined) {
      try {
        return await applyUnheld(store, logsDir, id, ask);
      } finally {
        lock.release();
      }
    }
    if (Date.now() >= until && store.transaction(() => withdrawControl(store, id)))
      throw new RunError(
        `run ${ask.runId}: the process running it did not take the request within ${Math.round(waitMs / 1000)} s; nothing was done`,
      );
    await new Promise((r) => setTimeout(r, CONTROL_MS / 2));
  }
}

/** Refuses, before recording anything, a control that the run's state as it stands forbids. */
function check(store: StateStore, ask: ControlAsk): void {
  const run = store.run(ask.runId);
  if (run === undefined)
    throw new ConfigError(`no run ${ask.runId} in ${store.path}; see slo runs`);
  const effect = controlEffect(
    planOf(store, ask.runId),
    rowsOf(store, ask.runId),
    run.state,
    ask,
    Date.now(),
  );
  if ("refused" in effect) throw new ConfigError(`run ${ask.runId}: ${effect.refused}`);
}

/** Applies a control to a run nobody holds (we hold its lock): attempts stopped first. */
async function applyUnheld(
  store: StateStore,
  logsDir: string,
  id: number,
  ask: ControlAsk,
): Promise<ControlAnswer> {
  const outcome = controlOutcome(store, id); // the holder may have answered just before it let go
  if (outcome !== undefined) return { said: answered(ask, outcome), resumable: false };
  const run = store.run(ask.runId);
  if (run === undefined) throw new Error(`no run ${ask.runId}`);
  const effect = controlEffect(
    planOf(store, ask.runId),
    rowsOf(store, ask.runId),
    run.state,
    ask,
    Date.now(),
  );
  if ("refused" in effect) {
    store.transaction(() => settleControl(store, id, `refused: ${effect.refused}`));
    return { said: answered(ask, `refused: ${effect.refused}`), resumable: false };
  }
  for (const taskId of effect.stop) await stopAttempt(store, logsDir, ask.runId, taskId);
  await stopOrphanAttempts(store, logsDir, ask.runId); // an earlier control's, its engine dead
  store.transaction(() => {
    for (const { taskId, change } of effect.changes) store.updateTask(ask.runId, taskId, change);
    if (effect.runState === "cancelled") store.finishRun(ask.runId, "cancelled");
    if (effect.runState === "running") store.reopenRun(ask.runId);
    settleControl(store, id, effect.said);
  });
  // Its engine was killed: what the run holds in the cloud is freed here, or never.
  if (effect.runState === "cancelled") await tearDownOrphan(store, logsDir, ask.runId);
  return { said: effect.said, resumable: store.run(ask.runId)?.state === "running" };
}

/**
 * Ends a cancelled run whose holder died before its attempts had stopped (false while it lives).
 */
async function endCancelled(store: StateStore, logsDir: string, runId: string): Promise<boolean> {
  let lock: ReturnType<typeof lockRun>;
  try {
    lock = lockRun(store.path, logsDir, runId);
  } catch (e) {
    if (e instanceof RunHeldError) return false;
    throw e;
  }
  try {
    await stopOrphanAttempts(store, logsDir, runId);
    if (store.run(runId)?.state === "running") {
      store.transaction(() => store.finishRun(runId, "cancelled"));
      await tearDownOrphan(store, logsDir, runId);
    }
    return true;
  } finally {
    lock.release();
  }
}

/**
 * Stops the attempts that controls stopped (cancel, mark) when the engine that applied them died
 * before they had ended: attempts recorded running whose task is no longer running. The caller
 * holds the run.
 */
export async function stopOrphanAttempts(
  store: StateStore,
  logsDir: string,
  runId: string,
): Promise<void> {
  const rows = new Map(store.tasks(runId).map((r) => [r.taskId, r.state]));
  for (const a of store.attempts(runId))
    if (a.state === "running" && rows.get(a.taskId) !== "running")
      await stopAttempt(store, logsDir, runId, a.taskId);
}

/**
 * Stops what an earlier engine left running of a task (its launchers outlive it): the process
 * group is killed and the attempt recorded with the exit code its launcher journaled, else lost.
 */
async function stopAttempt(
  store: StateStore,
  logsDir: string,
  runId: string,
  taskId: string,
): Promise<void> {
  const last = store.attempts(runId, taskId).at(-1);
  if (last === undefined || last.state !== "running") return;
  const starter = new AttemptStarter({}, join(logsDir, runId));
  const found = await findAttempt(starter, last, undefined);
  if (found === "unstarted" || found === "lost") {
    store.transaction(() => store.endAttempt(runId, taskId, last.attempt, found, null));
    return;
  }
  await found.kill();
  const code = found.recordedExit();
  store.transaction(() =>
    store.endAttempt(
      runId,
      taskId,
      last.attempt,
      code === undefined ? "lost" : "done",
      code ?? null,
    ),
  );
}

/** The outcome recorded for a request; a refusal is bad input (said by whoever applied it). */
function answered(ask: ControlAsk, outcome: string): string {
  if (outcome.startsWith("refused: "))
    throw new ConfigError(`run ${ask.runId}: ${outcome.slice("refused: ".length)}`);
  return outcome;
}

function planOf(store: StateStore, runId: string) {
  const plan = store.runPlan(runId);
  if (plan === undefined) throw new Error(`no run ${runId}`);
  return plan.pipeline;
}

// A run whose engine died before tearing it down (cancelled by a control applied without it).
async function tearDownOrphan(store: StateStore, logsDir: string, runId: string): Promise<void> {
  const key = runKeyOf(runId, store.run(runId)?.createdAt);
  await tearDownRun(planOf(store, runId), key, join(logsDir, runId));
}

function rowsOf(store: StateStore, runId: string) {
  return new Map(store.tasks(runId).map((r) => [r.taskId, r]));
}
