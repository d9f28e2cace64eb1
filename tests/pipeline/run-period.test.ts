import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { zonedStamp } from "../../src/engine/run-values.js";
import { dayStart, parseRunDate, runPeriod } from "../../src/pipeline/run-period.js";
import { mulberry32, pick } from "../helpers/seeded-random.js";

const day = (d: string) => ({ kind: "day", day: d }) as const;
const instant = (iso: string) => ({ kind: "instant", at: new Date(iso) }) as const;

/** The period as the stamps Starlake gets, in the pipeline's zone. */
function stamps(cron: string | undefined, tz: string, date: Parameters<typeof runPeriod>[2]) {
  const p = runPeriod(cron, tz, date);
  return {
    scheduled: zonedStamp(p.scheduled, tz),
    start: p.interval ? zonedStamp(p.interval.start, tz) : undefined,
    note: p.note,
  };
}

describe("run period (docs/dates.md)", () => {
  it("reads a day, an instant with or without offset, and refuses the rest", () => {
    expect(parseRunDate("2024-01-01")).toEqual(day("2024-01-01"));
    expect(parseRunDate("2024-01-01T02:00:00+01:00")).toEqual(instant("2024-01-01T01:00:00Z"));
    expect(parseRunDate("2024-01-01T02:00")).toEqual(instant("2024-01-01T02:00:00Z"));
    for (const bad of ["2024-02-30", "2024-13-01", "yesterday", "2024-01-01T", "20240101", ""])
      expect(parseRunDate(bad), bad).toBeUndefined();
  });

  it("a day asked for is that day's tick, in the pipeline's time zone (issue 19)", () => {
    expect(stamps("0 2 * * *", "Europe/Paris", day("2024-01-01"))).toEqual({
      scheduled: "2024-01-01T02:00:00+0100",
      start: "2023-12-31T02:00:00+0100",
      note: undefined,
    });
    expect(stamps("0 0 * * *", "Europe/Paris", day("2024-01-01")).scheduled).toBe(
      "2024-01-01T00:00:00+0100",
    );
    expect(stamps("0 23 * * *", "America/New_York", day("2024-01-01")).scheduled).toBe(
      "2024-01-01T23:00:00-0500",
    );
  });

  it("a day with several ticks runs for the last; a day with none for the latest before it", () => {
    const hourly = stamps("15 * * * *", "Europe/Paris", day("2024-01-01"));
    expect(hourly.scheduled).toBe("2024-01-01T23:15:00+0100");
    expect(hourly.start).toBe("2024-01-01T22:15:00+0100");
    expect(hourly.note).toMatch(/several ticks/);
    const weekly = stamps("0 6 * * 1", "UTC", day("2024-01-03"));
    expect(weekly).toEqual({
      scheduled: "2024-01-01T06:00:00+0000",
      start: "2023-12-25T06:00:00+0000",
      note: 'holds no tick of "0 6 * * 1": the latest before it',
    });
    expect(stamps("0 6 * * 1", "UTC", day("2024-01-01")).note).toBeUndefined();
  });

  it("an instant runs for the latest tick at or before it, and says when it is not a tick", () => {
    const between = stamps("0 2 * * *", "Europe/Paris", instant("2024-01-01T00:00:00Z"));
    expect(between.scheduled).toBe("2023-12-31T02:00:00+0100");
    expect(between.note).toMatch(/between two ticks/);
    expect(stamps("0 2 * * *", "Europe/Paris", instant("2024-01-01T01:00:00Z"))).toEqual({
      scheduled: "2024-01-01T02:00:00+0100",
      start: "2023-12-31T02:00:00+0100",
      note: undefined,
    });
  });

  it("across clock changes the interval is the wall-clock day (23 or 25 hours)", () => {
    const spring = runPeriod("0 3 * * *", "Europe/Paris", day("2024-03-31"));
    expect(zonedStamp(spring.scheduled, "Europe/Paris")).toBe("2024-03-31T03:00:00+0200");
    expect(spring.interval && spring.scheduled.getTime() - spring.interval.start.getTime()).toBe(
      23 * 3_600_000,
    );
    const autumn = runPeriod("0 3 * * *", "Europe/Paris", day("2024-10-27"));
    expect(autumn.interval && autumn.scheduled.getTime() - autumn.interval.start.getTime()).toBe(
      25 * 3_600_000,
    );
  });

  it("without a data cron a day is its first instant, an instant itself", () => {
    expect(stamps(undefined, "Asia/Kolkata", day("2024-01-01"))).toEqual({
      scheduled: "2024-01-01T00:00:00+0530",
      start: undefined,
      note: undefined,
    });
    expect(dayStart("2024-01-01", "Pacific/Kiritimati").toISOString()).toBe(
      "2023-12-31T10:00:00.000Z",
    );
    expect(dayStart("2024-01-01", "Etc/GMT+12").toISOString()).toBe("2024-01-01T12:00:00.000Z");
  });

  it("property: a day's period is a tick of that day, and no later tick falls on it", () => {
    const seed = Number(process.env.SLO_SEED ?? 19);
    const rng = mulberry32(seed);
    const crons = ["0 2 * * *", "15 * * * *", "0 6 * * 1", "30 1 1 * *", "*/20 9-17 * * 1-5"];
    const zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney"];
    for (let n = 0; n < 150; n++) {
      const cron = pick(rng, crons);
      const tz = pick(rng, zones);
      const d = new Date(Date.UTC(2023, 0, 1) + Math.floor(rng() * 730) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const say = `seed ${seed}, case ${n}: ${cron} ${tz} ${d}`;
      const p = runPeriod(cron, tz, day(d));
      const c = new Cron(cron, { paused: true, timezone: tz });
      expect(c.match(p.scheduled), say).toBe(true);
      expect(c.nextRun(p.interval?.start)?.getTime(), say).toBe(p.scheduled.getTime());
      const next = c.nextRun(p.scheduled);
      if (next) expect(zonedStamp(next, tz).slice(0, 10) > d, say).toBe(true);
      const onDay = zonedStamp(p.scheduled, tz).slice(0, 10) === d;
      expect(onDay || p.note?.startsWith("holds no tick"), say).toBe(true);
    }
  });
});
