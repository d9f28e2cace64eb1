import { Cron } from "croner";

/**
 * What a user asks a run for: a calendar day (`2024-01-01`, read in the pipeline's time zone) or
 * an instant (`2024-01-01T02:00:00+01:00`; without an offset, UTC).
 */
export type RunDate =
  | { readonly kind: "day"; readonly day: string }
  | { readonly kind: "instant"; readonly at: Date };

/**
 * The period a run processes (docs/dates.md): `scheduled` is the `--scheduledDate` Starlake gets,
 * `interval` the data interval of a pipeline with a data cron (from the tick before to
 * `scheduled`), `note` says how a date that is not exactly one tick was resolved.
 */
export interface RunPeriod {
  readonly scheduled: Date;
  readonly interval?: { readonly start: Date; readonly end: Date };
  readonly note?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Reads a `--date` value; undefined when it is neither a day nor an ISO date-time. */
export function parseRunDate(text: string): RunDate | undefined {
  const day = DAY.exec(text);
  if (day) {
    const [, y, m, d] = day.map(Number) as [number, number, number, number];
    const at = new Date(Date.UTC(y, m - 1, d));
    // Date.UTC rolls 2024-02-30 over to March: a day that does not exist is refused
    if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d)
      return undefined;
    return { kind: "day", day: text };
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : { kind: "instant", at: new Date(ms) };
}

/** The same day as text, for messages and for the runtimes of generated files. */
export function runDateText(date: RunDate): string {
  return date.kind === "day" ? date.day : date.at.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The one rule every runner follows. With a data cron: an instant runs for the latest tick at or
 * before it; a day runs for the latest tick of that day in the pipeline's time zone (the run the
 * scheduler starts that day, the last one if it starts several), or, when the day holds no tick,
 * for the latest tick before it. Without a data cron the run is for the instant itself, or the
 * day's first instant.
 * @example runPeriod("0 2 * * *", "Europe/Paris", { kind: "day", day: "2024-01-01" })
 *   // scheduled 2024-01-01T02:00+01:00, interval from 2023-12-31T02:00+01:00
 */
export function runPeriod(
  dataCron: string | undefined,
  timezone: string,
  date: RunDate,
): RunPeriod {
  if (date.kind === "instant") return instantPeriod(dataCron, timezone, date.at);
  const first = dayStart(date.day, timezone);
  if (dataCron === undefined) return { scheduled: first };
  const next = dayStart(nextDay(date.day), timezone);
  const cron = new Cron(dataCron, { paused: true, timezone });
  const [end, start] = cron.previousRuns(2, next);
  if (end === undefined || start === undefined)
    throw new Error(`cron "${dataCron}" has no tick before ${date.day}`);
  const period = { scheduled: end, interval: { start, end } };
  if (end < first)
    return { ...period, note: `holds no tick of "${dataCron}": the latest before it` };
  const ticks = cron.nextRuns(2, new Date(first.getTime() - 1)).filter((t) => t < next);
  return ticks.length > 1
    ? { ...period, note: `holds several ticks of "${dataCron}": the last of them` }
    : period;
}

function instantPeriod(dataCron: string | undefined, timezone: string, at: Date): RunPeriod {
  if (dataCron === undefined) return { scheduled: at };
  const cron = new Cron(dataCron, { paused: true, timezone });
  // ticks fall on whole minutes: a second past `at` includes a tick at `at` itself
  const [end, start] = cron.previousRuns(2, new Date(at.getTime() + 1000));
  if (end === undefined || start === undefined)
    throw new Error(`cron "${dataCron}" has no tick before ${at.toISOString()}`);
  const period = { scheduled: end, interval: { start, end } };
  if (end.getTime() === at.getTime()) return period;
  return { ...period, note: `falls between two ticks of "${dataCron}": the earlier` };
}

function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The first instant of a day in a time zone: local midnight, or the first instant after it when
 * a clock change skips midnight. Found among local-midnight ticks around the UTC day (offsets lie
 * within -12 and +14 hours), so no table of offsets is needed.
 */
export function dayStart(day: string, timezone: string): Date {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const candidates = new Cron("0 * * * *", { paused: true, timezone }).nextRuns(
    60,
    new Date(utc - 15 * 3_600_000),
  );
  const local = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const found = candidates.find((t) => local.format(t) === day);
  if (found === undefined) throw new Error(`no hour of ${day} in ${timezone}`);
  return found;
}
