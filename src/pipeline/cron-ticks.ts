import { Cron } from "croner";

/**
 * The ticks of a cron in a time zone, as Airflow's and Dagster's schedulers fire them
 * (docs/dates.md, "A clock that goes back"): a wall-clock time that happens twice, in the hour a
 * clock goes back, ticks once, at its second occurrence; a cron that fires every hour ticks at
 * both. croner alone fires the first occurrence, so its ticks are moved there.
 */
export interface CronTicks {
  /** The first tick strictly after `after`, or null when there is none. */
  nextRun(after: Date): Date | null;
  /** Up to `count` ticks strictly after `after`, in order. */
  nextRuns(count: number, after: Date): Date[];
  /** Up to `count` ticks strictly before `before`, the latest first. */
  previousRuns(count: number, before: Date): Date[];
}

const HOUR = 3_600_000;
/** Clock changes move a wall-clock time by at most two hours (Antarctica/Troll). */
const SHIFT = 3 * HOUR;
/** Beyond this many raw ticks a search gives up: no five-field cron needs it. */
const MOST = 1 << 17;

/** @example cronTicks("30 1 * * *", "America/New_York").nextRun(new Date("2024-11-03T00:00Z")) // 06:30Z */
export function cronTicks(expr: string, timezone: string): CronTicks {
  const cron = new Cron(expr, { paused: true, timezone });
  const clock = zoneClock(timezone);
  const hourly = coversEveryHour(expr);
  /** croner's tick as the schedulers place it: an ambiguous wall time at its second occurrence. */
  const place = (t: number): number => {
    if (hourly) return t;
    const wall = clock.wallOf(t);
    // the same wall reading one shift later is the second occurrence of an ambiguous time
    for (const shift of [HOUR / 2, HOUR, 2 * HOUR])
      if (clock.wallOf(t + shift) === wall) return t + shift;
    return t;
  };
  const ticks = (raw: readonly Date[]) =>
    [...new Set(raw.map((d) => place(d.getTime())))].sort((a, b) => a - b);

  const nextRuns = (count: number, after: Date): Date[] => {
    const limit = after.getTime();
    // a first occurrence shortly before `after` may be placed after it
    const from = new Date(limit - SHIFT);
    for (let k = count + 4; ; k *= 2) {
      const raw = cron.nextRuns(k, from);
      const last = raw.at(-1)?.getTime() ?? Number.POSITIVE_INFINITY;
      // placing only moves a tick later, so ticks up to the last raw one are all known
      const sure = ticks(raw).filter((t) => t > limit && (raw.length < k || t <= last));
      if (sure.length >= count || raw.length < k || k >= MOST)
        return sure.slice(0, count).map((t) => new Date(t));
    }
  };
  const previousRuns = (count: number, before: Date): Date[] => {
    const limit = before.getTime();
    for (let k = count + 4; ; k *= 2) {
      const raw = cron.previousRuns(k, before);
      const oldest = raw.at(-1)?.getTime() ?? Number.NEGATIVE_INFINITY;
      // an older raw tick, placed, lands at most SHIFT later: ticks past that are all known
      const sure = ticks(raw)
        .filter((t) => t < limit && (raw.length < k || t > oldest + SHIFT))
        .reverse();
      if (sure.length >= count || raw.length < k || k >= MOST)
        return sure.slice(0, count).map((t) => new Date(t));
    }
  };
  return {
    nextRun: (after) => nextRuns(1, after)[0] ?? null,
    nextRuns,
    previousRuns,
  };
}

/**
 * Whether the hour field names all 24 hours (`*`, `*\/1`, `0-23`…), the test Airflow and Dagster
 * make (after croniter's normalisation) to tick such a cron in both occurrences of an hour.
 */
export function coversEveryHour(expr: string): boolean {
  const field = expr.trim().split(/\s+/)[1] ?? "*";
  const hours = new Set<number>();
  for (const part of field.split(",")) {
    const [range = "*", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lo, hi] =
      range === "*"
        ? [0, 23]
        : range.includes("-")
          ? (range.split("-").map(Number) as [number, number])
          : [Number(range), stepText === undefined ? Number(range) : 23];
    if (!(step > 0) || Number.isNaN(lo) || Number.isNaN(hi)) return false;
    for (let h = lo; h <= hi; h += step) hours.add(h);
  }
  return hours.size === 24;
}

/** The wall-clock reading of an instant in a zone, as milliseconds of the same reading in UTC. */
function zoneClock(timezone: string): { wallOf(t: number): number } {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  return {
    wallOf(t) {
      const part: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(t))) part[p.type] = Number(p.value);
      return Date.UTC(
        part.year ?? 0,
        (part.month ?? 1) - 1,
        part.day ?? 1,
        part.hour ?? 0,
        part.minute ?? 0,
        part.second ?? 0,
      );
    },
  };
}
