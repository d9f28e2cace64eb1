import { describe, expect, it } from "vitest";
import { coversEveryHour, cronTicks } from "../../src/pipeline/cron-ticks.js";

const NY = "America/New_York";
/** The ticks in [from, to), as ISO instants. */
const between = (cron: string, tz: string, from: string, to: string) =>
  cronTicks(cron, tz)
    .nextRuns(200, new Date(Date.parse(from) - 1))
    .filter((t) => t < new Date(to))
    .map((t) => t.toISOString().slice(0, 16));

/**
 * The values are what real Airflow 3.3 (CronTriggerTimetable) and Dagster 1.13
 * (cron_string_iterator) fire; tests/integration/scheduler-ticks.test.ts asks them.
 */
describe("cron ticks as the schedulers fire them (docs/dates.md)", () => {
  it("a time the clock shows twice ticks once, at its second showing", () => {
    // New York, 3 November 2024: 01:00-02:00 EDT (05:00-06:00Z), then again in EST (06:00-07:00Z)
    expect(between("30 1 * * *", NY, "2024-11-02T00:00Z", "2024-11-05T00:00Z")).toEqual([
      "2024-11-02T05:30",
      "2024-11-03T06:30",
      "2024-11-04T06:30",
    ]);
    expect(between("30 1,2 * * *", NY, "2024-11-03T04:00Z", "2024-11-03T09:00Z")).toEqual([
      "2024-11-03T06:30",
      "2024-11-03T07:30",
    ]);
    expect(between("*/30 1 * * *", NY, "2024-11-03T04:00Z", "2024-11-03T09:00Z")).toEqual([
      "2024-11-03T06:00",
      "2024-11-03T06:30",
    ]);
  });

  it("a cron that fires every hour ticks at both showings", () => {
    for (const cron of ["15 * * * *", "15 0-23 * * *", "15 */1 * * *"])
      expect(between(cron, NY, "2024-11-03T04:00Z", "2024-11-03T08:00Z"), cron).toEqual([
        "2024-11-03T04:15",
        "2024-11-03T05:15",
        "2024-11-03T06:15",
        "2024-11-03T07:15",
      ]);
  });

  it("looking back finds the same ticks", () => {
    const ticks = cronTicks("30 1 * * *", NY);
    const back = (iso: string) =>
      ticks.previousRuns(2, new Date(iso)).map((t) => t.toISOString().slice(0, 16));
    expect(back("2024-11-03T06:15Z")).toEqual(["2024-11-02T05:30", "2024-11-01T05:30"]);
    expect(back("2024-11-03T06:31Z")).toEqual(["2024-11-03T06:30", "2024-11-02T05:30"]);
    expect(back("2024-11-04T06:31Z")).toEqual(["2024-11-04T06:30", "2024-11-03T06:30"]);
    expect(ticks.nextRun(new Date("2024-11-03T05:30Z"))?.toISOString()).toBe(
      "2024-11-03T06:30:00.000Z",
    );
  });

  it("elsewhere, croner's ticks are kept: a skipped time fires at the change", () => {
    expect(between("0 2 * * *", NY, "2024-03-10T00:00Z", "2024-03-11T00:00Z")).toEqual([
      "2024-03-10T07:00",
    ]);
    expect(between("0 3 * * *", "Europe/Paris", "2024-10-27T00:00Z", "2024-10-28T00:00Z")).toEqual([
      "2024-10-27T02:00",
    ]);
    expect(between("0 6 * * 1", "UTC", "2024-01-01T00:00Z", "2024-01-15T00:00Z")).toEqual([
      "2024-01-01T06:00",
      "2024-01-08T06:00",
    ]);
  });

  it("knows which crons fire every hour", () => {
    for (const yes of ["0 * * * *", "0 */1 * * *", "0 0-23 * * *", "0 0-11,12-23 * * *"])
      expect(coversEveryHour(yes), yes).toBe(true);
    for (const no of ["0 1 * * *", "0 */2 * * *", "0 1-23 * * *", "0 9-17 * * 1-5"])
      expect(coversEveryHour(no), no).toBe(false);
  });
});
