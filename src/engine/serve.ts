import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { checkRunnable } from "./engine.js";
import { type ExecutorSettings, executeRun } from "./run-executor.js";
import { dueRuns } from "./scheduler.js";
import { starlakeOf } from "./shell-invocation.js";
import type { StateStore } from "./state-store.js";

export interface ServeOptions {
  /** The scheduler's clock (tests pass their own). */
  readonly clock?: () => Date;
  /** Milliseconds between two looks at the clock and the dataset events. */
  readonly tickMs?: number;
  /** Told of every run the scheduler starts or resumes. */
  readonly onRun?: (run: { runId: string; pipeline: string; trigger: string }) => void;
}

/**
 * The scheduler: until `settings.signal` aborts, starts the runs that `dueRuns` finds (cron
 * instants, new dataset events), at most `max_active_runs` at once per pipeline, all sharing the
 * engine's slots. It first finishes the runs an earlier scheduler left unfinished. One scheduler
 * per state file: a second one is refused, naming the first.
 */
export async function serve(
  store: StateStore,
  pipelines: readonly Pipeline[],
  settings: ExecutorSettings,
  options: ServeOptions = {},
): Promise<void> {
  checkRunnable(pipelines, settings);
  const lock = store.acquireSchedulerLock();
  if (!lock.ok)
    throw new ConfigError(
      `${store.path}: another slo serve (pid ${lock.pid}, since ${lock.since}) schedules this state; stop it first, or use --state for a separate one`,
    );
  const clock = options.clock ?? (() => new Date());
  const active = new Map<string, { pipeline: string; done: Promise<unknown> }>();
  let wake: () => void = () => {};
  const start = (runId: string, pipeline: string, trigger: string) => {
    options.onRun?.({ runId, pipeline, trigger });
    const done = executeRun(store, runId, settings).finally(() => {
      active.delete(runId);
      wake();
    });
    active.set(runId, { pipeline, done });
  };
  try {
    for (const run of store.unfinishedRuns()) start(run.id, run.pipeline, "resume");
    while (!settings.signal?.aborted) {
      for (const due of dueRuns(store, pipelines, clock())) {
        const running = [...active.values()].filter((a) => a.pipeline === due.pipeline.id).length;
        if (running >= due.pipeline.maxActiveRuns) continue; // due again at the next tick
        const runId = store.transaction(() => {
          const id = store.createRun(due.pipeline, due.date, due.trigger, {
            starlake: starlakeOf(due.pipeline, settings),
          });
          store.setCursor(due.cursor.key, due.cursor.value);
          return id;
        });
        start(runId, due.pipeline.id, due.trigger);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.tickMs ?? 1000);
        const onAbort = () => done();
        settings.signal?.addEventListener("abort", onAbort, { once: true });
        function done() {
          clearTimeout(timer);
          settings.signal?.removeEventListener("abort", onAbort);
          resolve();
        }
        wake = done;
      });
    }
    await Promise.all([...active.values()].map((a) => a.done));
  } finally {
    store.releaseSchedulerLock();
  }
}
