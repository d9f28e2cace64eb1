import { Cron } from "croner";
import { cronTicks } from "./cron-ticks.js";

/** A fixed instant for frequency comparisons, so that plans never depend on when they are made. */
const REFERENCE = new Date("2024-01-01T00:00:00Z");

/**
 * Checks a five-field cron expression as Starlake accepts it (no seconds, no `@daily` nicknames).
 * Returns the problem in words, or undefined when the expression is valid.
 */
export function cronProblem(expr: string): string | undefined {
  return memo(problems, expr, checkCron);
}

/** Cron parsing is the costliest step of compile, and projects reuse a handful of crons. */
const problems = new Map<string, string | undefined>();
const intervals = new Map<string, number>();
const firstTicks = new Map<string, number>();

function memo<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute(key);
  cache.set(key, value);
  return value;
}

function checkCron(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (expr.trim().startsWith("@"))
    return `nicknames such as "${expr.trim()}" are not accepted; write the five fields`;
  if (fields.length !== 5)
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  try {
    new Cron(expr, { paused: true });
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^CronPattern: /, "");
  }
}

function nextTicks(expr: string, count: number, from: Date = REFERENCE, timezone = "UTC"): Date[] {
  return new Cron(expr, { paused: true, timezone }).nextRuns(count, from);
}

/** Seconds between the first two ticks after the reference instant (spec §2.2 `get_cron_frequency`). */
export function cronInterval(expr: string): number {
  return memo(intervals, expr, measureInterval);
}

function measureInterval(expr: string): number {
  const [a, b] = nextTicks(expr, 2);
  if (a === undefined || b === undefined) return Number.POSITIVE_INFINITY;
  return (b.getTime() - a.getTime()) / 1000;
}

/**
 * The most frequent cron (smallest interval); among equals, the one whose next tick after the
 * reference is furthest, as the Python library orders them. Undefined for an empty list.
 */
export function mostFrequentCron(crons: readonly string[]): string | undefined {
  let best: { cron: string; interval: number; next: number } | undefined;
  for (const cron of [...new Set(crons)].sort()) {
    const interval = cronInterval(cron);
    const next = memo(firstTicks, cron, (c) => nextTicks(c, 1)[0]?.getTime() ?? 0);
    if (
      best === undefined ||
      interval < best.interval ||
      (interval === best.interval && next > best.next)
    ) {
      best = { cron, interval, next };
    }
  }
  return best?.cron;
}

/**
 * A stable, readable name for a raw cron (Starlake numbers them `cron1`, `cron2`… in map order,
 * which changes with unrelated edits).
 * @example cronName("*\/15 9-17 * * 1,3") // "cron_xevery15_9to17_x_x_1and3"
 */
export function cronName(expr: string): string {
  const field = (f: string) =>
    f
      .replace(/\*/g, "x")
      .replace(/\//g, "every")
      .replace(/-/g, "to")
      .replace(/,/g, "and")
      .replace(/[^A-Za-z0-9]/g, "_");
  return `cron_${expr.trim().split(/\s+/).map(field).join("_")}`;
}

/** The latest tick at or before `at`, and the tick before it (spec §2.2 `scheduled_dates_range`). */
export function scheduledRange(
  expr: string,
  at: Date,
  timezone = "UTC",
): { start: Date; end: Date } {
  const cron = cronTicks(expr, timezone);
  const probe = new Date(at.getTime() + 1000);
  const [end, start] = cron.previousRuns(2, probe);
  if (end === undefined || start === undefined)
    throw new Error(`cron "${expr}" has no tick before ${at.toISOString()}`);
  return { start, end };
}
