/**
 * An instant as ISO 8601 with the offset of a time zone (default: this machine's), to the second:
 * what a log line or a due time shows, readable where it was written and still exact.
 * @example isoWithOffset(new Date("2026-03-29T01:00:00Z"), "Europe/Paris") // "2026-03-29T03:00:00+02:00"
 */
export function isoWithOffset(at: Date, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    ...(timeZone !== undefined ? { timeZone } : {}),
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "longOffset",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? "";
  // "GMT" alone is UTC; otherwise "GMT+05:30"
  const offset = part("timeZoneName").replace(/^GMT/, "") || "+00:00";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  return `${date}T${part("hour")}:${part("minute")}:${part("second")}${offset}`;
}
