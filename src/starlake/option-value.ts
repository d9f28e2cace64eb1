import { cronProblem } from "../pipeline/cron.js";
import { textProblem } from "./argument-text.js";
import type { OptionType, OptionValue } from "./options.js";
import { parseTriggerExpression } from "./trigger-expression.js";

const DATA_CYCLES: Readonly<Record<string, string | null>> = {
  none: null,
  hourly: "0 * * * *",
  daily: "0 0 * * *",
  weekly: "0 0 * * 0",
  monthly: "0 0 1 * *",
  yearly: "0 0 1 1 *",
};

export type Parsed = { ok: true; value: OptionValue } | { ok: false; expected: string };

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
/** Alias segments as IANA writes them: `US`, `Eastern`, `EST5EDT`, `GMT+1`, `Buenos_Aires`. */
const ALIAS_SEGMENT = /^(?:[A-Z][a-z]+(?:[_-][A-Za-z][a-z]*)*|[A-Z][A-Z0-9+-]*)$/;

/**
 * Python's zoneinfo (and so Airflow and Dagster) wants the exact IANA name; ICU also takes other
 * cases (`europe/paris`) and offsets (`+01:00`). Canonical names are checked exactly; an alias
 * ICU knows (`US/Eastern`) is taken when its segments are cased as IANA cases them.
 */
function timezoneProblem(tz: string): string | undefined {
  const expected = "an IANA time zone such as Europe/Paris or UTC";
  if (!ZONE_NAME.test(tz)) return expected;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return expected;
  }
  if (tz === resolved || Intl.supportedValuesOf("timeZone").includes(tz)) return undefined;
  const exact = Intl.supportedValuesOf("timeZone").find(
    (z) => z.toLowerCase() === tz.toLowerCase(),
  );
  if (exact !== undefined || !tz.split("/").every((s) => ALIAS_SEGMENT.test(s)))
    return `the exact IANA name ${exact ?? resolved} (zone names are case-sensitive)`;
  return undefined;
}

/** Years Python's datetime holds, less one at each end so that a zone's offset cannot overflow. */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const year = Number(s.slice(0, 4));
  if (year < 2 || year > 9998) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** A whole number within bounds; long digit strings are refused before they round. */
function parseWhole(s: string, min: number, max: number): Parsed {
  const expected = `${min > 0 ? "a positive" : "a non-negative"} integer, at most ${max}`;
  const digits = /^\+?0*(\d{1,16})$/.exec(s)?.[1] ?? (/^-0+$/.test(s) ? "0" : undefined);
  if (digits === undefined) return { ok: false, expected };
  const n = Number(digits);
  return n < min || n > max ? { ok: false, expected } : { ok: true, value: n };
}

/**
 * JSON options become Python literals: a number JSON.parse made infinite (`1e400`) has none, and
 * a whole number past 2^53 would reach Python rounded.
 */
function jsonProblem(v: unknown): string | undefined {
  if (typeof v === "number")
    return Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v))
      ? undefined
      : `numbers are finite and whole numbers at most 2^53 (not ${v})`;
  if (typeof v === "string") {
    const problem = textProblem(v);
    return problem === undefined ? undefined : `strings have no NUL byte or lone surrogate`;
  }
  if (v === null || typeof v !== "object") return undefined;
  for (const [k, x] of Object.entries(v)) {
    const problem = jsonProblem(k) ?? jsonProblem(x);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Parses one option's string value by its type. */
export function parseOptionValue(raw: string, type: OptionType): Parsed {
  const s = raw.trim();
  switch (type.kind) {
    case "string":
      return { ok: true, value: raw };
    case "words":
      return { ok: true, value: s.split(/\s+/).filter(Boolean).join(" ") };
    case "int":
      return parseWhole(s, type.min, type.max);
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
        if (v !== null && typeof v === "object" && !Array.isArray(v)) {
          const problem = jsonProblem(v);
          return problem === undefined
            ? { ok: true, value: s }
            : { ok: false, expected: `a JSON object whose ${problem}` };
        }
      } catch {
        // reported below
      }
      return { ok: false, expected: "a JSON object" };
    }
    case "date":
      return isDate(s)
        ? { ok: true, value: s }
        : { ok: false, expected: "a date YYYY-MM-DD of a year from 0002 to 9998" };
    case "timezone": {
      const problem = timezoneProblem(s);
      return problem === undefined ? { ok: true, value: s } : { ok: false, expected: problem };
    }
    case "trigger": {
      const l = s.toLowerCase();
      if (l === "any" || l === "all") return { ok: true, value: l };
      const parsed = parseTriggerExpression(s);
      if (parsed.ok) return { ok: true, value: s };
      return {
        ok: false,
        expected: `any, all or dataset names joined by & (and) and | (or) with parentheses; at character ${parsed.at + 1 + raw.length - raw.trimStart().length}: expected ${parsed.expected}`,
      };
    }
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
