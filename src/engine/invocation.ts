import { join } from "node:path";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { describeHolder, HolderLock, takeLock } from "./holder-lock.js";
import type { StateStore } from "./state-store.js";

/** One pipeline an invocation plans to run, with the executable its run is to use. */
export interface InvocationStep {
  readonly pipeline: Pipeline;
  readonly starlake: string;
  /** This pipeline's logical date (ISO) when it differs from the invocation's (`--date DAY`). */
  readonly date?: string;
}

/**
 * One `slo run` of several pipelines, recorded with its whole plan before the first run starts:
 * after a crash, `slo run --resume` finishes its runs and starts the pipelines it had not started.
 * `done` once every planned pipeline has a run that ended.
 */
export interface Invocation {
  readonly id: number;
  readonly state: "running" | "done";
  readonly runDate: string;
  readonly trigger: string;
  readonly steps: readonly InvocationStep[];
  readonly createdAt: string;
}

interface InvocationRecord {
  id: number;
  state: "running" | "done";
  run_date: string;
  trigger: string;
  plan: string;
  created_at: string;
}

const read = (row: InvocationRecord): Invocation => ({
  id: row.id,
  state: row.state,
  runDate: row.run_date,
  trigger: row.trigger,
  steps: JSON.parse(row.plan) as InvocationStep[],
  createdAt: row.created_at,
});

/** Records an invocation's plan (in the caller's transaction, if any); returns its id. */
export function recordInvocation(
  store: StateStore,
  steps: readonly InvocationStep[],
  date: Date,
  trigger: string,
): number {
  const result = store.db
    .prepare(
      "INSERT INTO invocations(state, run_date, trigger, plan, created_at) VALUES ('running', ?, ?, ?, ?)",
    )
    .run(date.toISOString(), trigger, JSON.stringify(steps), new Date().toISOString());
  return Number(result.lastInsertRowid);
}

export function invocation(store: StateStore, id: number): Invocation | undefined {
  const row = store.db.prepare("SELECT * FROM invocations WHERE id = ?").get(id) as
    | InvocationRecord
    | undefined;
  return row && read(row);
}

/** The newest invocation that did not finish (interrupted, killed, or running now). */
export function lastUnfinishedInvocation(store: StateStore): Invocation | undefined {
  const row = store.db
    .prepare("SELECT * FROM invocations WHERE state = 'running' ORDER BY id DESC LIMIT 1")
    .get() as InvocationRecord | undefined;
  return row && read(row);
}

export function finishInvocation(store: StateStore, id: number): void {
  store.db
    .prepare("UPDATE invocations SET state = 'done', finished_at = ? WHERE id = ?")
    .run(new Date().toISOString(), id);
}

/** What is left of an invocation: its runs not finished, and its pipelines with no run yet. */
export function invocationProgress(
  store: StateStore,
  inv: Invocation,
): { unfinished: string[]; unstarted: string[] } {
  const runs = store.invocationRuns(inv.id);
  const started = new Set(runs.map((r) => r.pipeline));
  return {
    unfinished: runs.filter((r) => r.state === "running").map((r) => r.id),
    unstarted: inv.steps.map((s) => s.pipeline.id).filter((p) => !started.has(p)),
  };
}

/**
 * Makes this process the one that goes through an invocation (two would start its next pipeline
 * twice); the lock is `<logs>/invocations/<id>.lock`, released by the holder's death.
 */
export function lockInvocation(statePath: string, logsDir: string, id: number): HolderLock {
  const file = join(logsDir, "invocations", `${id}.lock`);
  const lock = takeLock(file);
  if (lock instanceof HolderLock) return lock;
  throw new ConfigError(
    `${statePath}: invocation ${id} is being run by ${describeHolder(lock)}; wait for it to end, or stop it first (lock ${file})`,
  );
}

/** Whether a process goes through the invocation now (else it was interrupted, or killed). */
export function invocationHeld(logsDir: string, id: number): boolean {
  const lock = takeLock(join(logsDir, "invocations", `${id}.lock`));
  if (!(lock instanceof HolderLock)) return true;
  lock.release();
  return false;
}
