import { Cron } from "croner";
import { cronInterval, scheduledRange } from "../pipeline/cron.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { DatasetSchedule } from "../pipeline/schedule.js";
import { conditionHolds, conditionText, triggerCondition } from "../pipeline/trigger-condition.js";
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
 *   `any` on one new event, `all` when every upstream has a new event, an expression when it
 *   holds with "has a new event" for each dataset it names; the run's date is the
 *   latest scheduled date among those events (spec §6.2, step 2). Mixed frequencies (spec §6.4):
 *   under `all`, an upstream produced less often than the pipeline's data cron does not need a
 *   new event; its latest one counts if it belongs to that upstream's current cron window (a
 *   daily transform of a monthly and a daily table runs daily, on the month's table).
 */
export function dueRuns(store: StateStore, pipelines: readonly Pipeline[], now: Date): DueRun[] {
  const due: DueRun[] = [];
  for (const p of pipelines) {
    if (p.schedule.kind === "cron") due.push(...cronDue(store, p, p.schedule.cron, now));
    if (p.schedule.kind === "datasets") {
      const run = datasetsDue(store, p, p.schedule);
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

function datasetsDue(store: StateStore, p: Pipeline, s: DatasetSchedule): DueRun | undefined {
  const uris = s.datasets;
  const key = `datasets:${p.id}`;
  // a pipeline that starts waiting now ignores the events recorded before
  const after = Number(store.getCursor(key) ?? store.lastDatasetEventId());
  if (store.getCursor(key) === undefined) store.setCursor(key, String(after));
  const wanted = new Set(uris);
  const events = store.datasetEvents(after).filter((e) => wanted.has(e.uri));
  const seen = new Set(events.map((e) => e.uri));
  if (seen.size === 0) return undefined;
  const latest = events.map((e) => stampTime(e.scheduledDate)).filter((t) => !Number.isNaN(t));
  const date = new Date(latest.length > 0 ? Math.max(...latest) : Date.now());
  // the mixed-frequency alignment is the `all` strategy's (docs/engine.md); an expression is read as written
  const aligned = s.strategy === "all";
  const ready = conditionHolds(
    triggerCondition(s),
    (u) => seen.has(u) || (aligned && slowAndCurrent(store, p, u, date)),
  );
  if (!ready) return undefined;
  const last = events.at(-1);
  return {
    pipeline: p,
    date,
    trigger: "datasets",
    cursor: { key, value: String(last?.id ?? after) },
  };
}

/** When a pipeline is next due, as `slo serve` reports it (at start and on SIGUSR1). */
export type NextDue =
  | {
      readonly pipeline: Pipeline;
      readonly kind: "cron";
      readonly cron: string;
      /** The next instant of its cron; null when the cron never fires again. */
      readonly at: Date | null;
      /** A missed instant the next tick starts (after a pause, or held by `max_active_runs`). */
      readonly overdue: boolean;
    }
  | {
      readonly pipeline: Pipeline;
      readonly kind: "datasets";
      /** The condition, `&` and `|` written out. */
      readonly condition: string;
      /** Its upstream datasets with an event it has not consumed yet, sorted. */
      readonly fresh: readonly string[];
    }
  | { readonly pipeline: Pipeline; readonly kind: "manual" };

/**
 * When each pipeline is next due at `now`, read from the same cursors as `dueRuns` but never
 * written: asking does not move the scheduler.
 */
export function nextDue(store: StateStore, pipelines: readonly Pipeline[], now: Date): NextDue[] {
  return pipelines.map((p): NextDue => {
    const s = p.schedule;
    if (s.kind === "manual") return { pipeline: p, kind: "manual" };
    if (s.kind === "cron") {
      const cron = new Cron(s.cron, { timezone: p.timezone, paused: true });
      const cursor = store.getCursor(`cron:${p.id}`);
      // as cronDue: without a cursor, only a catchup pipeline has missed instants (from start_date)
      const from = cursor
        ? new Date(cursor)
        : p.catchup
          ? new Date(`${p.startDate ?? now.toISOString().slice(0, 10)}T00:00:00Z`)
          : undefined;
      const missed = from === undefined ? null : cron.nextRun(from);
      if (missed !== null && missed <= now) {
        // the next tick starts the first missed instant with catchup, else only the latest
        let at = missed;
        for (let n = cron.nextRun(at); !p.catchup && n !== null && n <= now; n = cron.nextRun(n))
          at = n;
        return { pipeline: p, kind: "cron", cron: s.cron, at, overdue: true };
      }
      return { pipeline: p, kind: "cron", cron: s.cron, at: cron.nextRun(now), overdue: false };
    }
    const after = Number(store.getCursor(`datasets:${p.id}`) ?? store.lastDatasetEventId());
    const wanted = new Set(s.datasets);
    const fresh = new Set(
      store
        .datasetEvents(after)
        .map((e) => e.uri)
        .filter((u) => wanted.has(u)),
    );
    const condition = conditionText(triggerCondition(s));
    return { pipeline: p, kind: "datasets", condition, fresh: [...fresh].sort() };
  });
}

/** `2026-03-02T06:00:00+0100` (the engine's scheduled dates) as epoch milliseconds. */
const stampTime = (stamp: string) => Date.parse(stamp.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));

/**
 * Whether an upstream produced less often than the pipeline's data cron already has its data for
 * the window holding `at`: its newest event is scheduled at or after its cron's latest tick.
 */
function slowAndCurrent(store: StateStore, p: Pipeline, uri: string, at: Date): boolean {
  const cron = p.datasets.find((d) => d.uri === uri)?.cron;
  if (cron === undefined || p.dataCron === undefined) return false;
  if (cronInterval(cron) <= cronInterval(p.dataCron)) return false;
  const event = store.latestDatasetEvent(uri);
  if (event === undefined) return false;
  const { end } = scheduledRange(cron, at, p.timezone);
  return stampTime(event.scheduledDate) >= end.getTime();
}
