import { join } from "node:path";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { checkRunnable, type RunOutcome, resumeInvocation } from "./engine.js";
import { HolderLock, takeLock } from "./holder-lock.js";
import { invocationProgress, lastUnfinishedInvocation, lockInvocation } from "./invocation.js";
import { type ExecutorSettings, executeRun } from "./run-executor.js";
import { lockRun, RunHeldError } from "./run-lock.js";
import { dueRuns } from "./scheduler.js";
import { starlakeOf } from "./shell-invocation.js";
import type { StateStore } from "./state-store.js";

export interface ServeOptions {
  /** The scheduler's clock (tests pass their own). */
  readonly clock?: () => Date;
  /** Milliseconds between two looks at the clock and the dataset events. */
  readonly tickMs?: number;
  /** Told once the scheduler holds its lock, before it resumes or starts anything. */
  readonly onStart?: () => void;
  /** Told of every run the scheduler starts (with its logical date) or resumes. */
  readonly onRun?: (run: { runId: string; pipeline: string; trigger: string; date?: Date }) => void;
  /** Told of every run that ends, with its final state (an interrupted run resumes later). */
  readonly onRunEnd?: (run: { runId: string; pipeline: string; state: string }) => void;
  /** Told of an unfinished run (or `slo run` invocation) it leaves alone: another process has it. */
  readonly onSkip?: (runId: string, why: string) => void;
  /** Told of the interrupted `slo run` it finishes: its runs to finish, its pipelines not started. */
  readonly onInvocation?: (left: InvocationLeft) => void;
  /** Told when that `slo run` is finished (or interrupted again), with what its runs ended as. */
  readonly onInvocationEnd?: (id: number, outcomes: readonly RunOutcome[]) => void;
}

export interface InvocationLeft {
  readonly id: number;
  readonly createdAt: string;
  readonly unfinished: readonly string[];
  readonly unstarted: readonly string[];
}

/**
 * The scheduler: until `settings.signal` aborts, starts the runs that `dueRuns` finds (cron
 * instants, new dataset events), at most `max_active_runs` at once per pipeline, all sharing the
 * engine's slots. It first finishes the runs an earlier scheduler left unfinished. One scheduler
 * per state file: a second one is refused, naming the first. A run another process is running
 * (`slo run`) is left to it. The last interrupted `slo run` (its invocation) is finished as
 * `slo run --resume` would: its runs resumed, then its pipelines not started, in its order. When a run cannot go on (the state cannot be written, a failure of
 * ours), the others are interrupted, resumable, and the failure is thrown once they have stopped.
 */
export async function serve(
  store: StateStore,
  pipelines: readonly Pipeline[],
  settings: ExecutorSettings,
  options: ServeOptions = {},
): Promise<void> {
  checkRunnable(pipelines, settings);
  const file = join(settings.logsDir, "serve.lock");
  const lock = takeLock(file);
  if (!(lock instanceof HolderLock))
    throw new ConfigError(
      `${store.path}: another slo serve (pid ${lock.pid ?? "unknown"}, since ${lock.since ?? "unknown"}) schedules this state; stop it first, or use --state for a separate one (lock ${file})`,
    );
  const held = lock;
  const clock = options.clock ?? (() => new Date());
  const active = new Map<string, { pipeline: string; done: Promise<unknown> }>();
  let wake: () => void = () => {};
  // stops every run when one fails for good, as Ctrl-C does
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  settings.signal?.addEventListener("abort", onAbort, { once: true });
  if (settings.signal?.aborted) stop.abort();
  const runSettings = { ...settings, signal: stop.signal };
  let failure: { error: unknown } | undefined;
  const start = (
    runId: string,
    pipeline: string,
    trigger: string,
    lock?: HolderLock,
    date?: Date,
  ) => {
    options.onRun?.({ runId, pipeline, trigger, ...(date ? { date } : {}) });
    const done = executeRun(store, runId, runSettings, lock)
      .then((state) => options.onRunEnd?.({ runId, pipeline, state }))
      .catch((error: unknown) => {
        failure ??= { error };
        stop.abort();
      })
      .finally(() => {
        active.delete(runId);
        wake();
      });
    active.set(runId, { pipeline, done });
  };
  try {
    options.onStart?.();
    const invocation = takeInvocation(store, settings.logsDir, options);
    const ofInvocation = new Set(
      invocation ? store.invocationRuns(invocation.id).map((r) => r.id) : [],
    );
    for (const run of store.unfinishedRuns()) {
      if (ofInvocation.has(run.id)) continue; // resumed in the invocation's order, below
      let lock: HolderLock;
      try {
        lock = lockRun(store.path, settings.logsDir, run.id);
      } catch (e) {
        if (!(e instanceof RunHeldError)) throw e;
        options.onSkip?.(run.id, e.message);
        continue;
      }
      start(run.id, run.pipeline, "resume", lock);
    }
    if (invocation !== undefined) {
      const key = `invocation ${invocation.id}`;
      const done = resumeInvocation(store, runSettings, invocation.id, invocation.lock)
        .then((r) => options.onInvocationEnd?.(invocation.id, r.outcomes))
        .catch((error: unknown) => {
          // one of its runs is run by another process: the invocation stays for a later resume
          if (error instanceof RunHeldError) return options.onSkip?.(key, error.message);
          failure ??= { error };
          stop.abort();
        })
        .finally(() => {
          active.delete(key);
          wake();
        });
      active.set(key, { pipeline: "", done });
    }
    while (!stop.signal.aborted) {
      for (const due of dueRuns(store, pipelines, clock())) {
        const running = [...active.values()].filter((a) => a.pipeline === due.pipeline.id).length;
        if (running >= due.pipeline.maxActiveRuns) continue; // due again at the next tick
        const [runId, lock] = store.transaction(() => {
          const id = store.createRun(due.pipeline, due.date, due.trigger, {
            starlake: starlakeOf(due.pipeline, settings),
          });
          store.setCursor(due.cursor.key, due.cursor.value);
          return [id, lockRun(store.path, settings.logsDir, id)] as const;
        });
        start(runId, due.pipeline.id, due.trigger, lock, due.date);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.tickMs ?? 1000);
        const onStop = () => done();
        stop.signal.addEventListener("abort", onStop, { once: true });
        function done() {
          clearTimeout(timer);
          stop.signal.removeEventListener("abort", onStop);
          resolve();
        }
        wake = done;
      });
    }
    await Promise.all([...active.values()].map((a) => a.done));
    if (failure !== undefined) throw failure.error;
  } finally {
    stop.abort(); // anything still running (an error above) stops, resumable
    await Promise.all([...active.values()].map((a) => a.done));
    settings.signal?.removeEventListener("abort", onAbort);
    held.release();
  }
}

/**
 * The last `slo run` left unfinished, locked for this scheduler to finish; undefined when there is
 * none, or when a live process goes through it (said through `onSkip`).
 */
function takeInvocation(
  store: StateStore,
  logsDir: string,
  options: ServeOptions,
): { id: number; lock: HolderLock } | undefined {
  const left = lastUnfinishedInvocation(store);
  if (left === undefined) return undefined;
  let lock: HolderLock;
  try {
    lock = lockInvocation(store.path, logsDir, left.id);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    options.onSkip?.(`invocation ${left.id}`, e.message);
    return undefined;
  }
  options.onInvocation?.({
    id: left.id,
    createdAt: left.createdAt,
    ...invocationProgress(store, left),
  });
  return { id: left.id, lock };
}
