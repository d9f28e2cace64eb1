import { RemoteError } from "../errors.js";
import type { PartitionRun } from "./backfill-plan.js";
import { type BackfillTarget, FINISHED, type RemoteRun, type RunState } from "./remote-run.js";

/** Where each combination stands; `rejected` = the server refused to create its run. */
export type OutcomeState = RunState | "rejected" | "not_submitted";

export interface Outcome {
  readonly key: string;
  readonly ref?: string;
  readonly state: OutcomeState;
  readonly reason?: string;
}

export interface BackfillReport {
  readonly target: string;
  readonly outcomes: readonly Outcome[];
  /** Combinations whose runs existed before this invocation (resumed, not submitted again). */
  readonly resumed: number;
  readonly interrupted: boolean;
}

export interface BackfillProgress {
  readonly total: number;
  readonly submitted: number;
  readonly counts: Readonly<Record<OutcomeState, number>>;
}

export interface BackfillOptions {
  readonly maxConcurrent: number;
  readonly pollMs: number;
  readonly onProgress?: (p: BackfillProgress) => void;
  /** Aborting stops submitting; runs already submitted go on on the server. */
  readonly signal?: AbortSignal;
  /** Submit, then return without following the runs to their end. */
  readonly noWait?: boolean;
}

/**
 * Submits the combinations not yet submitted, at most `maxConcurrent` unfinished at once, and
 * follows every run of the backfill until all have finished. Idempotent by construction: what
 * the server already has under this backfill's name is followed, never submitted again.
 */
export async function runBackfill(
  plan: readonly PartitionRun[],
  target: BackfillTarget,
  options: BackfillOptions,
): Promise<BackfillReport> {
  const runs = new Map<string, Outcome>();
  const record = (r: RemoteRun) => runs.set(r.key, { key: r.key, ref: r.ref, state: r.state });
  const existing = await target.submitted();
  existing.forEach(record);
  const resumed = runs.size;
  let started = target.native && existing.length > 0;
  // A native backfill is submitted whole, once; otherwise what the server lacks is pending.
  let pending = started ? [] : plan.filter((run) => !runs.has(run.key));
  const report = (interrupted: boolean): BackfillReport => ({
    target: target.description,
    // A native backfill makes the runs its orchestrator decides (one per schedule tick in
    // Airflow): those are the outcomes. Otherwise, one per combination of the plan.
    outcomes: target.native
      ? [...runs.values()]
      : plan.map((run) => runs.get(run.key) ?? { key: run.key, state: "not_submitted" as const }),
    resumed,
    interrupted,
  });
  const progress = () => {
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<OutcomeState, number>;
    if (target.native) for (const run of runs.values()) counts[run.state]++;
    else for (const run of plan) counts[runs.get(run.key)?.state ?? "not_submitted"]++;
    const total = target.native ? runs.size : plan.length;
    options.onProgress?.({ total, submitted: runs.size, counts });
  };
  progress();
  for (;;) {
    if (options.signal?.aborted) return report(true);
    if (target.native && !started) {
      await target.submit(pending);
      started = true;
      pending = [];
    }
    const unfinished = [...runs.values()].filter((o) => !isDone(o.state)).length;
    const room = target.native ? 0 : options.maxConcurrent - unfinished;
    if (room > 0 && pending.length > 0) {
      const batch = pending.slice(0, room);
      pending = pending.slice(room);
      const answers = await target.submit(batch);
      answers.forEach((answer, i) => {
        const key = batch[i]?.key ?? "";
        if (answer instanceof RemoteError)
          runs.set(key, { key, state: "rejected", reason: answer.message });
        else record(answer);
      });
      progress();
      continue; // fill every free slot before waiting
    }
    if (options.noWait && pending.length === 0) return report(false);
    const { runs: now, settled } = await target.poll();
    now.forEach(record);
    progress();
    const allDone = [...runs.values()].every((o) => isDone(o.state));
    if (pending.length === 0 && allDone && settled) return report(false);
    await sleep(options.pollMs, options.signal);
  }
}

const STATES: OutcomeState[] = [
  "not_submitted",
  "queued",
  "running",
  "success",
  "failed",
  "canceled",
  "rejected",
];

function isDone(state: OutcomeState): boolean {
  return state === "rejected" || FINISHED.has(state as RunState);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** True when every combination's run succeeded. */
export function succeeded(report: BackfillReport): boolean {
  return !report.interrupted && report.outcomes.every((o) => o.state === "success");
}
