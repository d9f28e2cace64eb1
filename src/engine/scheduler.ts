import { Cron } from "croner";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { StateStore } from "./state-store.js";

/** A run the scheduler decided to start: for which pipeline, which logical date, and why. */
export interface DueRun {
  readonly pipeline: Pipeline;
  readonly date: Date;
  readonly trigger: "cron" | "datasets";
  /** The cursor to store once the run is created (so a crash in between fires it again, not twice). */
  readonly cursor: { readonly key: string; readonly value: string };
}

/**
 * Decides which runs are due at `now`, from the cursors and dataset events in the store. Pure
 * apart from reading the store: the clock is a parameter, so tests step through DST changes.
 *
 * - Cron pipelines fire at each instant of their cron in their time zone (croner: an instant that
 *   a DST change skips fires at the first valid minute after; a repeated hour fires once). The
 *   first tick of a pipeline only sets its cursor; after a pause only the latest missed instant
 *   fires, unless the pipeline has `catchup`, then every one does, from `start_date`.
 * - Dataset-triggered pipelines fire once per new set of events of their upstream datasets:
 *   `any` on one new event, `all` when every upstream has a new event; the run's date is the
 *   latest scheduled date among those events (spec §6.2, step 2).
 */
export function dueRuns(store: StateStore, pipelines: readonly Pipeline[], now: Date): DueRun[] {
  const due: DueRun[] = [];
  for (const p of pipelines) {
    if (p.schedule.kind === "cron") due.push(...cronDue(store, p, p.schedule.cron, now));
    if (p.schedule.kind === "datasets") {
      const run = datasetsDue(store, p, p.schedule.datasets, p.schedule.strategy);
      if (run !== undefined) due.push(run);
    }
  }
  return due;
}

function cronDue(store: StateStore, p: Pipeline, expr: string, now: Date): DueRun[] {
  const key = `cron:${p.id}`;
  const cursor = store.getCursor(key);
  if (cursor === undefined && !p.catchup) {
    store.setCursor(key, now.toISOString());
    return [];
  }
  const cron = new Cron(expr, { timezone: p.timezone, paused: true });
  const from = cursor
    ? new Date(cursor)
    : new Date(`${p.startDate ?? now.toISOString().slice(0, 10)}T00:00:00Z`);
  const instants: Date[] = [];
  for (let at = cron.nextRun(from); at !== null && at <= now; at = cron.nextRun(at)) {
    instants.push(at);
    if (instants.length > 10_000) break;
  }
  const chosen = p.catchup ? instants : instants.slice(-1);
  return chosen.map((date) => ({
    pipeline: p,
    date,
    trigger: "cron",
    cursor: { key, value: date.toISOString() },
  }));
}

function datasetsDue(
  store: StateStore,
  p: Pipeline,
  uris: readonly string[],
  strategy: "any" | "all",
): DueRun | undefined {
  const key = `datasets:${p.id}`;
  // a pipeline that starts waiting now ignores the events recorded before
  const after = Number(store.getCursor(key) ?? store.lastDatasetEventId());
  if (store.getCursor(key) === undefined) store.setCursor(key, String(after));
  const wanted = new Set(uris);
  const events = store.datasetEvents(after).filter((e) => wanted.has(e.uri));
  const seen = new Set(events.map((e) => e.uri));
  const ready = strategy === "any" ? seen.size > 0 : uris.every((u) => seen.has(u));
  if (!ready) return undefined;
  const latest = events
    .map((e) => Date.parse(e.scheduledDate.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")))
    .filter((t) => !Number.isNaN(t));
  const last = events.at(-1);
  return {
    pipeline: p,
    date: new Date(latest.length > 0 ? Math.max(...latest) : Date.now()),
    trigger: "datasets",
    cursor: { key, value: String(last?.id ?? after) },
  };
}
