import { join } from "node:path";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { checkRunnable } from "./engine.js";
import { HolderLock, takeLock } from "./holder-lock.js";
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
  /** Told of an unfinished run it leaves alone, because another process runs it. */
  readonly onSkip?: (runId: string, why: string) => void;
}

/**
 * The scheduler: until `settings.signal` aborts, starts the runs that `dueRuns` finds (cron
 * instants, new dataset events), at most `max_active_runs` at once per pipeline, all sharing the
 * engine's slots. It first finishes the runs an earlier scheduler left unfinished. One scheduler
 * per state file: a second one is refused, naming the first. A run another process is running
 * (`slo run`) is left to it. When a run cannot go on (the state cannot be written, a failure of
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
    for (const run of store.unfinishedRuns()) {
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
