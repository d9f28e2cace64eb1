import { describe, expect, it } from "vitest";
import { isoWithOffset } from "../../src/util/iso-time.js";

describe("isoWithOffset", () => {
  it.each([
    ["2026-03-29T01:00:00Z", "Europe/Paris", "2026-03-29T03:00:00+02:00"],
    ["2026-03-29T00:59:59Z", "Europe/Paris", "2026-03-29T01:59:59+01:00"],
    ["2026-01-01T00:00:00Z", "UTC", "2026-01-01T00:00:00+00:00"],
    ["2026-07-01T12:34:56Z", "Asia/Kolkata", "2026-07-01T18:04:56+05:30"],
    ["2026-07-01T12:34:56Z", "America/St_Johns", "2026-07-01T10:04:56-02:30"],
    ["2026-12-31T23:59:59Z", "Pacific/Kiritimati", "2027-01-01T13:59:59+14:00"],
    ["2026-06-15T00:00:00Z", "America/New_York", "2026-06-14T20:00:00-04:00"],
  ])("%s in %s is %s", (at, zone, text) => {
    expect(isoWithOffset(new Date(at), zone)).toBe(text);
  });

  it("without a zone, this machine's (the process's TZ)", () => {
    const text = isoWithOffset(new Date("2026-06-15T00:00:00Z"));
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    const offsetMinutes = -new Date("2026-06-15T00:00:00Z").getTimezoneOffset();
    expect(Date.parse(text)).toBe(Date.parse("2026-06-15T00:00:00Z"));
    const sign = offsetMinutes >= 0 ? "+" : "-";
    const abs = Math.abs(offsetMinutes);
    expect(text.slice(-6)).toBe(
      `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`,
    );
  });
});
