import { cronProblem } from "../pipeline/cron.js";
import type { OptionType, OptionValue } from "./options.js";

const DATA_CYCLES: Readonly<Record<string, string | null>> = {
  none: null,
  hourly: "0 * * * *",
  daily: "0 0 * * *",
  weekly: "0 0 * * 0",
  monthly: "0 0 1 * *",
  yearly: "0 0 1 1 *",
};

export type Parsed = { ok: true; value: OptionValue } | { ok: false; expected: string };

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Parses one option's string value by its type. */
export function parseOptionValue(raw: string, type: OptionType): Parsed {
  const s = raw.trim();
  switch (type.kind) {
    case "string":
      return { ok: true, value: raw };
    case "words":
      return { ok: true, value: s.split(/\s+/).filter(Boolean).join(" ") };
    case "int": {
      if (!/^[+-]?\d+$/.test(s) || Number(s) < type.min) {
        return {
          ok: false,
          expected: type.min > 0 ? "a positive integer" : "a non-negative integer",
        };
      }
      return { ok: true, value: Number(s) };
    }
    case "bool": {
      const l = s.toLowerCase();
      if (l === "true" || l === "false") return { ok: true, value: l === "true" };
      return { ok: false, expected: "true or false" };
    }
    case "enum": {
      const l = s.toLowerCase();
      if (type.values.includes(l)) return { ok: true, value: l };
      return { ok: false, expected: `one of ${type.values.join(", ")}` };
    }
    case "json-object": {
      try {
        const v: unknown = JSON.parse(s);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return { ok: true, value: s };
      } catch {
        // reported below
      }
      return { ok: false, expected: "a JSON object" };
    }
    case "date":
      return isDate(s) ? { ok: true, value: s } : { ok: false, expected: "a date YYYY-MM-DD" };
    case "timezone":
      return isTimezone(s)
        ? { ok: true, value: s }
        : { ok: false, expected: "an IANA time zone such as Europe/Paris or UTC" };
    case "cron-period": {
      const l = s.toLowerCase();
      if (l in DATA_CYCLES) return { ok: true, value: DATA_CYCLES[l] ?? null };
      if (cronProblem(s) === undefined) return { ok: true, value: s };
      return {
        ok: false,
        expected: "none, hourly, daily, weekly, monthly, yearly or a five-field cron",
      };
    }
  }
}
