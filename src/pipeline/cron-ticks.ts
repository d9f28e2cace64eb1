import { Cron } from "croner";

/**
 * The ticks of a cron in a time zone, as Airflow's and Dagster's schedulers fire them
 * (docs/dates.md, "A clock that goes back"): a wall-clock time that happens twice, in the hour a
 * clock goes back, ticks once, at its second occurrence; a cron that fires every hour ticks at
 * both; a time the clock skips ticks once, at the change (none for an hourly cron). croner walks
 * the wall-clock readings (in UTC, where no clock changes) and each is placed by that rule.
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
/** Beyond this many wall-clock ticks a search gives up: no five-field cron needs it. */
const MOST = 1 << 17;

/** @example cronTicks("30 1 * * *", "America/New_York").nextRun(new Date("2024-11-03T00:00Z")) // 06:30Z */
export function cronTicks(expr: string, timezone: string): CronTicks {
  // croner in UTC walks the wall-clock readings: no clock change there
  const walls = new Cron(expr, { paused: true, timezone: "UTC" });
  const clock = zoneClock(timezone);
  const hourly = coversEveryHour(expr);
  const instantsOf = (wall: number): number[] => {
    const shown = clock.instantsOf(wall);
    if (shown.length === 0) return hourly ? [] : [clock.changeAt(wall)];
    return hourly ? shown : shown.slice(-1);
  };
  /** Where a wall reading lies in time, give or take a clock change. */
  const near = (wall: number) => wall - clock.offsetAt(wall);
  const ticks = (raw: readonly Date[]) =>
    [...new Set(raw.flatMap((d) => instantsOf(d.getTime())))].sort((a, b) => a - b);

  const nextRuns = (count: number, after: Date): Date[] => {
    const limit = after.getTime();
    const from = new Date(clock.wallOf(limit) - SHIFT);
    for (let k = count + 4; ; k *= 2) {
      const raw = walls.nextRuns(k, from);
      const last = raw.at(-1);
      // readings past the last one fetched lie after it, less a clock change
      const edge = last === undefined ? Number.POSITIVE_INFINITY : near(last.getTime()) - SHIFT;
      const sure = ticks(raw).filter((t) => t > limit && (raw.length < k || t <= edge));
      if (sure.length >= count || raw.length < k || k >= MOST)
        return sure.slice(0, count).map((t) => new Date(t));
    }
  };
  const previousRuns = (count: number, before: Date): Date[] => {
    const limit = before.getTime();
    const from = new Date(clock.wallOf(limit) + SHIFT);
    for (let k = count + 4; ; k *= 2) {
      const raw = walls.previousRuns(k, from);
      const oldest = raw.at(-1);
      const edge = oldest === undefined ? Number.NEGATIVE_INFINITY : near(oldest.getTime()) + SHIFT;
      const sure = ticks(raw)
        .filter((t) => t < limit && (raw.length < k || t > edge))
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

/**
 * A zone's clock: the wall reading of an instant (as milliseconds of the same reading in UTC),
 * the instants that show a reading (two in the hour a clock goes back, none in the hour it
 * skips), and the instant of the change that skips a reading.
 */
function zoneClock(timezone: string) {
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
  const wallOf = (t: number): number => {
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
  };
  const offsetAt = (t: number) => wallOf(t) - t;
  // offsets lie within -12 and +14 hours: those around a reading include both sides of a change
  const offsetsNear = (wall: number) =>
    [...new Set([-16, 0, 16].map((h) => offsetAt(wall + h * HOUR)))].sort((a, b) => a - b);
  return {
    wallOf,
    offsetAt,
    instantsOf(wall: number): number[] {
      const found = offsetsNear(wall)
        .map((o) => wall - o)
        .filter((t) => wallOf(t) === wall);
      return [...new Set(found)].sort((a, b) => a - b);
    },
    /** The first instant after the skipped hour holding `wall` (found to the minute). */
    changeAt(wall: number): number {
      const offsets = offsetsNear(wall);
      let before = wall - (offsets.at(-1) ?? 0); // still on the old offset
      let after = wall - (offsets[0] ?? 0); // already on the new one
      while (after - before > 60_000) {
        const mid = before + Math.floor((after - before) / 120_000) * 60_000;
        if (offsetAt(mid) === offsetAt(before)) before = mid;
        else after = mid;
      }
      return after;
    },
  };
}
