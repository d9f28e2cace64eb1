import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { OptionValue } from "../starlake/options.js";

/**
 * Reads an environment's options into typed values, once, at compile: a missing required option
 * or a value of the wrong shape is a diagnostic at the option (or the dag config's template).
 */
export class OptionReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly environment: string,
    private readonly options: Readonly<Record<string, OptionValue>>,
    private readonly placeOf: (key: string) => Place | undefined,
  ) {}

  private text(key: string): string | undefined {
    const v = this.options[key];
    return v === null || v === undefined ? undefined : String(v);
  }

  private problem(key: string, code: string, message: string): void {
    this.diagnostics.push(diagnosticAt(this.placeOf(key), "error", code, message));
  }

  /** The text as resolved, untouched. */
  verbatim(key: string): string | undefined {
    return this.text(key);
  }

  /** A required text; empty counts as missing. */
  required(key: string): string {
    const v = this.text(key)?.trim() ?? "";
    if (v === "")
      this.problem(
        key,
        "missing_option",
        `the ${this.environment} environment needs option ${key}`,
      );
    return v;
  }

  /** A text with a default; empty means the default. */
  string(key: string, fallback: string): string {
    const v = this.text(key)?.trim();
    return v === undefined || v === "" ? fallback : v;
  }

  /** A text that may be absent (empty: absent). */
  optional(key: string): string | undefined {
    const v = this.text(key)?.trim();
    return v === undefined || v === "" ? undefined : v;
  }

  /** A whole number of at least `min`. */
  integer(key: string, fallback: number, min = 1): number {
    const v = this.text(key)?.trim();
    if (v === undefined || v === "") return fallback;
    if (!/^-?\d+$/.test(v) || Number(v) < min) {
      this.problem(
        key,
        "invalid_option",
        `option ${key}: invalid value ${JSON.stringify(v)}; expected a whole number of at least ${min}`,
      );
      return fallback;
    }
    return Number(v);
  }

  /** `true` or `false`. */
  boolean(key: string, fallback: boolean): boolean {
    const v = this.text(key)?.trim().toLowerCase();
    if (v === undefined || v === "") return fallback;
    if (v === "true" || v === "false") return v === "true";
    this.problem(
      key,
      "invalid_option",
      `option ${key}: invalid value ${JSON.stringify(v)}; expected true or false`,
    );
    return fallback;
  }

  /** A comma-separated list (a JSON list of texts is read too), blanks dropped. */
  list(key: string): string[] {
    const v = this.text(key)?.trim() ?? "";
    if (v.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string"))
          return parsed.map((x) => x.trim()).filter(Boolean);
      } catch {
        // reported below
      }
      this.problem(
        key,
        "invalid_option",
        `option ${key}: invalid value ${JSON.stringify(v)}; expected a comma-separated list or a JSON list of texts`,
      );
      return [];
    }
    return v
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  }

  /** A JSON object whose values are texts, numbers or booleans (kept as texts). */
  textObject(key: string): Record<string, string> {
    const v = this.text(key)?.trim() ?? "";
    if (v === "") return {};
    const parsed = parseJson(v);
    if (isObject(parsed) && Object.values(parsed).every(isScalar))
      return Object.fromEntries(Object.entries(parsed).map(([k, x]) => [k, String(x)]));
    this.problem(
      key,
      "invalid_option",
      `option ${key}: invalid value ${JSON.stringify(v)}; expected a JSON object of texts`,
    );
    return {};
  }

  /** A JSON object of JSON objects of texts: `{"task": {"k": "v"}}`. */
  nestedTextObject(key: string): Record<string, Record<string, string>> {
    const v = this.text(key)?.trim() ?? "";
    if (v === "") return {};
    const parsed = parseJson(v);
    if (
      isObject(parsed) &&
      Object.values(parsed).every((x) => isObject(x) && Object.values(x).every(isScalar))
    )
      return Object.fromEntries(
        Object.entries(parsed).map(([k, x]) => [
          k,
          Object.fromEntries(Object.entries(x as object).map(([p, y]) => [p, String(y)])),
        ]),
      );
    this.problem(
      key,
      "invalid_option",
      `option ${key}: invalid value ${JSON.stringify(v)}; expected a JSON object of JSON objects of texts, such as {"load_shop_orders": {"spark.executor.memory": "16g"}}`,
    );
    return {};
  }

  /** Reports a value that does not match `pattern`, with what was expected. */
  check(key: string, value: string, pattern: RegExp, expected: string): void {
    if (value !== "" && !pattern.test(value)) this.invalid(key, value, expected);
  }

  /** Reports a value that is not what was expected. */
  invalid(key: string, value: string, expected: string): void {
    this.problem(
      key,
      "invalid_option",
      `option ${key}: invalid value ${JSON.stringify(value)}; expected ${expected}`,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}
