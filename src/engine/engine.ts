import { unsupportedEnvironment } from "../environments/unsupported.js";
import { ConfigError } from "../errors.js";
import { assertNever, starlakePathOf } from "../pipeline/environment.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { locateStarlake } from "../starlake/locate-starlake.js";
import { checkCloudPackages } from "./cloud/cloud-packages.js";
import { checkGoogleEndpoint } from "./cloud/google-options.js";
import { checkCommands } from "./command-check.js";
import type { HolderLock } from "./holder-lock.js";
import {
  finishInvocation,
  invocation,
  lastUnfinishedInvocation,
  lockInvocation,
  recordInvocation,
} from "./invocation.js";
import { withRetries } from "./local-overrides.js";
import { type ExecutorSettings, executeRun } from "./run-executor.js";
import { lockRun } from "./run-lock.js";
import { type ShellSettings, starlakeOf } from "./shell-invocation.js";
import type { RunState, StateStore } from "./state-store.js";

export interface RunRequest {
  readonly pipelines: readonly Pipeline[];
  /** The logical date of the runs (default: now). */
  readonly date?: Date;
  /** A date per pipeline id, over `date` (a day resolves to each pipeline's own tick). */
  readonly dates?: ReadonlyMap<string, Date>;
  readonly trigger?: string;
}

export interface RunOutcome {
  readonly runId: string;
  readonly pipeline: string;
  readonly state: RunState | "interrupted";
}

/**
 * Runs pipelines now, one after the other, producers before the pipelines that wait for their
 * datasets (a transform sees the tables its load pipeline just wrote). The whole plan is recorded
 * first, as an invocation (see invocation.ts), so that `resumeInvocation` can finish it after a
 * crash. Stops early when aborted.
 */
export async function runPipelines(
  store: StateStore,
  request: RunRequest,
  settings: ExecutorSettings,
): Promise<RunOutcome[]> {
  checkRunnable(request.pipelines, settings);
  const date = request.date ?? new Date();
  const steps = producersFirst(request.pipelines).map((p) => {
    const pipeline = withRetries(p, settings.retries);
    const own = request.dates?.get(p.id);
    return {
      pipeline,
      starlake: starlakeOf(pipeline, settings),
      ...(own ? { date: own.toISOString() } : {}),
    };
  });
  const [id, lock] = store.transaction(() => {
    const id = recordInvocation(store, steps, date, request.trigger ?? "manual");
    return [id, lockInvocation(store.path, settings.logsDir, id)] as const;
  });
  return await goThrough(store, id, settings, lock);
}

/**
 * Finishes an invocation (the newest unfinished one unless `id` says which): resumes its runs
 * that did not end, starts the pipelines it had not started, and leaves those that ended alone.
 */
export async function resumeInvocation(
  store: StateStore,
  settings: ExecutorSettings,
  id?: number,
  held?: HolderLock,
): Promise<{ invocation: number; outcomes: RunOutcome[] }> {
  const chosen = id === undefined ? lastUnfinishedInvocation(store) : invocation(store, id);
  if (chosen === undefined)
    throw new ConfigError(
      `--resume: ${store.path} holds no interrupted slo run to resume (name a run with --resume RUN; see slo runs)`,
    );
  // `held`: the caller (slo serve) already took the invocation's lock
  const lock = held ?? lockInvocation(store.path, settings.logsDir, chosen.id);
  return { invocation: chosen.id, outcomes: await goThrough(store, chosen.id, settings, lock) };
}

/** Runs an invocation's planned pipelines in order, each run created once (see runPipelines). */
async function goThrough(
  store: StateStore,
  id: number,
  settings: ExecutorSettings,
  lock: HolderLock,
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  try {
    const planned = invocation(store, id);
    if (planned === undefined) throw new Error(`no invocation ${id}`);
    const runDate = new Date(planned.runDate);
    const existing = new Map(store.invocationRuns(id).map((r) => [r.pipeline, r]));
    for (const { pipeline, starlake, date: own } of planned.steps) {
      const date = own === undefined ? runDate : new Date(own);
      if (settings.signal?.aborted) break;
      const run = existing.get(pipeline.id);
      if (run !== undefined && run.state !== "running") {
        outcomes.push({ runId: run.id, pipeline: pipeline.id, state: run.state });
        continue;
      }
      // locked before it is committed: a scheduler on the same state never sees it free
      const [runId, runLock] =
        run !== undefined
          ? [run.id, lockRun(store.path, settings.logsDir, run.id)]
          : store.transaction(() => {
              const runId = store.createRun(pipeline, date, planned.trigger, { starlake }, id);
              return [runId, lockRun(store.path, settings.logsDir, runId)] as const;
            });
      const state = await executeRun(store, runId, settings, runLock);
      outcomes.push({ runId, pipeline: pipeline.id, state });
    }
    const left = store.invocationRuns(id);
    if (
      left.length === planned.steps.length &&
      left.every((r) => r.state !== "running") &&
      !settings.signal?.aborted
    )
      finishInvocation(store, id);
    return outcomes;
  } finally {
    lock.release();
  }
}

/**
 * Bad input before anything runs: an environment the engine cannot run, a cloud client package
 * that is not installed, no executable, or a command the system cannot be given (see
 * checkCommands).
 */
export function checkRunnable(pipelines: readonly Pipeline[], settings: ShellSettings): void {
  for (const p of pipelines) checkEnvironment(p);
  checkCloudPackages(pipelines, settings.resolvePackage);
  if (
    pipelines.some((p) => p.environment.kind === "cloud_run" || p.environment.kind === "dataproc")
  )
    checkGoogleEndpoint(settings.baseEnv);
  for (const p of pipelines) checkCommands(p, settings);
  const checked = new Set<string>(); // pipelines mostly share one executable
  for (const p of pipelines) {
    // a cloud task runs the Starlake of its image or its jars, not one of this machine
    if (p.environment.kind !== "shell" || !p.tasks.some((t) => t.command !== undefined)) continue;
    const variable = starlakePathOf(p.environment);
    if (checked.has(variable)) continue;
    checked.add(variable);
    const found = locateStarlake({
      flag: settings.starlake,
      // "starlake" is also the option's default: a search of PATH, said as such
      variable: variable === "starlake" ? undefined : variable,
      searchPath: settings.baseEnv.PATH,
    });
    if ("missing" in found) throw new ConfigError(`pipeline ${p.id}: ${found.missing}`);
  }
}

const SUPPORTED = ["shell", "cloud_run", "dataproc", "fargate"];

/**
 * The engine runs Starlake on this machine (shell) or through the cloud APIs of the built-in
 * cloud environments; never a registered one. A pre-load check is refused in the cloud: it tells
 * "nothing to load" by Starlake's exit code 1 and a marker file, which a cloud job hides.
 */
function checkEnvironment(p: Pipeline): void {
  const e = p.environment;
  switch (e.kind) {
    case "shell":
      return;
    case "cloud_run":
    case "dataproc":
    case "fargate":
      if (p.tasks.some((t) => t.gate !== undefined))
        throw new ConfigError([
          unsupportedEnvironment(
            p,
            "engine",
            SUPPORTED,
            "with a pre-load check (pre_load_strategy)",
          ),
        ]);
      return;
    case "registered":
      throw new ConfigError([unsupportedEnvironment(p, "engine", SUPPORTED)]);
    default:
      assertNever(e, "execution environment");
  }
}

/** Pipelines ordered so that a pipeline comes after those producing the datasets it waits for. */
export function producersFirst(pipelines: readonly Pipeline[]): Pipeline[] {
  const producerOf = new Map<string, Pipeline>();
  for (const p of pipelines)
    for (const t of p.tasks) if (t.produces !== undefined) producerOf.set(t.produces, p);
  const ordered: Pipeline[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: Pipeline) => {
    if (state.has(p.id)) return;
    state.set(p.id, "visiting");
    const own = new Set(p.tasks.map((t) => t.produces));
    const waits = [
      ...(p.schedule.kind === "datasets" ? p.schedule.datasets : []),
      ...p.datasets.map((d) => d.uri).filter((uri) => !own.has(uri)),
    ];
    for (const uri of waits) {
      const producer = producerOf.get(uri);
      if (producer !== undefined && producer !== p) visit(producer);
    }
    state.set(p.id, "done");
    ordered.push(p);
  };
  // loads first: a transform on a cron reads tables without waiting for them
  for (const p of [...pipelines].sort(
    (a, b) => Number(a.kind !== "load") - Number(b.kind !== "load"),
  ))
    visit(p);
  return ordered;
}
