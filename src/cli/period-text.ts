import { zonedStamp } from "../engine/run-values.js";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { parseRunDate, type RunDate, runDateText, runPeriod } from "../pipeline/run-period.js";
import type { RunValues } from "../starlake/command-line.js";

/** The values Starlake gets for a run of `p` asked for `date` (docs/dates.md), as stamps. */
export function periodValues(p: Pipeline, date: RunDate): RunValues & { note?: string } {
  const period = runPeriod(p.dataCron, p.timezone, date);
  const stamp = (d: Date) => zonedStamp(d, p.timezone);
  return {
    scheduledDate: stamp(period.scheduled),
    ...(period.interval
      ? { interval: { start: stamp(period.interval.start), end: stamp(period.interval.end) } }
      : {}),
    ...(period.note ? { note: period.note } : {}),
  };
}

/** One line: what a run for `date` passes, and how the date was resolved when it is not a tick. */
export function periodLine(p: Pipeline, date: RunDate): string {
  const v = periodValues(p, date);
  const interval = v.interval ? `, data interval ${v.interval.start} to ${v.interval.end}` : "";
  const note = v.note ? ` (${runDateText(date)} ${v.note})` : "";
  return `--scheduledDate ${v.scheduledDate}${interval}${note}`;
}

/** What `slo plan` says without a date, for a pipeline with a data cron (docs/dates.md). */
export function periodRule(cron: string, timezone: string): string {
  return `a run for a day gets its last tick of ${cron} (${timezone}) as --scheduledDate, for an instant the latest tick at or before it; data interval: the tick before to it`;
}

/** `--date`: a day or an instant (docs/dates.md); bad input said before the project is read. */
export function runDateOf(text: string | undefined): RunDate | undefined {
  if (text === undefined) return undefined;
  const date = parseRunDate(text);
  if (date === undefined)
    throw new ConfigError(
      `--date ${text}: expected a day (2024-01-31) or an ISO date-time (2024-01-31T02:00:00Z)`,
    );
  return date;
}
