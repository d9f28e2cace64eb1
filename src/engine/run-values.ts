import { scheduledRange } from "../pipeline/cron.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunValues } from "../starlake/command-line.js";

/**
 * The scheduled date and data interval of a run at `at`, as the backends compute them: the latest
 * tick of the pipeline's data cron at or before `at` (or `at` itself without a data cron), and for
 * transforms the interval from the tick before it to the scheduled date.
 */
export function runValues(pipeline: Pipeline, at: Date): RunValues {
  const tz = pipeline.timezone;
  if (pipeline.dataCron === undefined) return { scheduledDate: zonedStamp(at, tz) };
  const { start, end } = scheduledRange(pipeline.dataCron, at, tz);
  return {
    scheduledDate: zonedStamp(end, tz),
    interval: { start: zonedStamp(start, tz), end: zonedStamp(end, tz) },
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DDTHH:MM:SS±HHMM` in the time zone (the `%Y-%m-%dT%H:%M:%S%z` of the Python library). */
export function zonedStamp(at: Date, timezone: string): string {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, f);
  }
  const part = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const wall = Date.UTC(
    Number(part.year),
    Number(part.month) - 1,
    Number(part.day),
    Number(part.hour),
    Number(part.minute),
    Number(part.second),
  );
  const offset = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${sign}${hhmm}`;
}
