import { describe, expect, it } from "vitest";
import {
  cronInterval,
  cronName,
  cronProblem,
  mostFrequentCron,
  scheduledRange,
} from "../../src/pipeline/cron.js";

describe("cron", () => {
  it("accepts five-field crons and rejects the rest with a reason", () => {
    expect(cronProblem("0 2 * * *")).toBeUndefined();
    expect(cronProblem("0 0 * * MON-FRI")).toBeUndefined();
    expect(cronProblem("@daily")).toMatch(/nicknames/);
    expect(cronProblem("* * *")).toMatch(/expected 5 fields/);
    expect(cronProblem("0 0 0 * * *")).toMatch(/found 6/);
    expect(cronProblem("61 * * * *")).toMatch(/minute/);
  });

  it("measures intervals", () => {
    expect(cronInterval("15 * * * *")).toBe(3600);
    expect(cronInterval("0 2 * * *")).toBe(86400);
  });

  it("picks the most frequent cron, ties by furthest next tick", () => {
    expect(mostFrequentCron(["0 2 * * *", "15 * * * *", "0 0 1 * *"])).toBe("15 * * * *");
    expect(mostFrequentCron(["0 2 * * *", "0 5 * * *"])).toBe("0 5 * * *");
    expect(mostFrequentCron([])).toBeUndefined();
  });

  it("names raw crons stably", () => {
    expect(cronName("*/15 9-17 * * 1,3")).toBe("cron_xevery15_9to17_x_x_1and3");
    expect(cronName("0 2 * * *")).toBe("cron_0_2_x_x_x");
  });

  it("computes the scheduled range like the Python library", () => {
    const r = scheduledRange("0 0 * * *", new Date("2024-03-05T10:30:00Z"));
    expect(r.start.toISOString()).toBe("2024-03-04T00:00:00.000Z");
    expect(r.end.toISOString()).toBe("2024-03-05T00:00:00.000Z");
    const exact = scheduledRange("0 0 * * *", new Date("2024-03-05T00:00:00Z"));
    expect(exact.end.toISOString()).toBe("2024-03-05T00:00:00.000Z");
  });
});
