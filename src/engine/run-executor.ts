import { checkCommands } from "./command-check.js";
import { stopOrphanAttempts } from "./control-request.js";
import type { ExecutorSettings } from "./executor-settings.js";
import type { HolderLock } from "./holder-lock.js";
import { withRetries } from "./local-overrides.js";
import { RunContext } from "./run-context.js";
import { lockRun } from "./run-lock.js";
import { runValues } from "./run-values.js";
import { stateFailure } from "./state-failure.js";
import type { RunState, StateStore } from "./state-store.js";

export type { ExecutorSettings, TaskChange } from "./executor-settings.js";

/**
 * Runs (or resumes) one run to its end. Everything it decides is written to the store before it
 * acts on it, and attempts outlive the engine (see AttemptProcess): after a crash, calling this
 * again on the same run finishes it without running again any task that had succeeded. One
 * process runs a run at a time: `lock` when the caller took it (see lockRun), else it is taken
 * here, and a run held by another process is refused (RunHeldError).
 */
export async function executeRun(
  store: StateStore,
  runId: string,
  settings: ExecutorSettings,
  lock?: HolderLock,
): Promise<RunState | "interrupted"> {
  const held = lock ?? lockRun(store.path, settings.logsDir, runId);
  try {
    const plan = store.runPlan(runId);
    const run = store.run(runId);
    if (plan === undefined || run === undefined) throw new Error(`no run ${runId}`);
    if (run.state !== "running") return run.state;
    const pipeline = withRetries(plan.pipeline, settings.retries);
    // a resumed run keeps the executable it started with, unless one is named again
    const starlake = settings.starlake ?? (plan.settings.starlake as string | undefined);
    const own = { ...settings, ...(starlake !== undefined ? { starlake } : {}) };
    checkCommands(pipeline, own); // a run recorded by an older slo may hold what cannot run
    // what a control stopped while the engine that applied it died is stopped now
    await stopOrphanAttempts(store, settings.logsDir, runId);
    const values = runValues(pipeline, new Date(run.runDate));
    return await new RunContext(store, runId, pipeline, values, own).execute();
  } catch (e) {
    throw stateFailure(store.path, e, "write");
  } finally {
    held.release();
  }
}
