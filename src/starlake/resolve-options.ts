import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { closest } from "../util/suggest.js";
import { envNameProblem, listItemProblem, textProblem } from "./argument-text.js";
import { LEGACY_OPTIONS, UNSUPPORTED_OPTIONS } from "./option-names.js";
import { parseOptionValue } from "./option-value.js";
import { OPTION_BY_KEY, OPTION_SPECS, type OptionValue } from "./options.js";

/** An option as written in a dag config, after variable rendering. */
export interface RawOption {
  readonly value: string;
  readonly at?: Place;
}

export interface ResolvedOptions {
  /** Every known option (typed) plus every unknown one (as written). */
  readonly values: Readonly<Record<string, OptionValue>>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Precedence: the dag config's option, then the environment variable of the same name, then the
 * default. An empty string in the dag config counts as set (Python treats it as absent).
 * A legacy name is ignored, as Starlake ignores it, with a warning. Other keys are kept as written: those
 * an execution environment reads (`claimed`) silently, the others with a warning (not supported,
 * or unknown, with the key meant when one is close), so that no option is ignored without a word.
 */
export function resolveOptions(
  written: ReadonlyMap<string, RawOption>,
  env: Readonly<Record<string, string | undefined>>,
  claimed: ReadonlySet<string> = new Set(),
): ResolvedOptions {
  const values: Record<string, OptionValue> = {};
  const diagnostics: Diagnostic[] = [];
  const raw = new Map(written);
  // Starlake's generator and the Python library no longer read a legacy name: it changes
  // nothing there, and nothing here either (the same pipelines as `starlake dag-generate`), but
  // here it is said, with the name that does what its author meant.
  for (const [old, current] of LEGACY_OPTIONS) {
    const option = written.get(old);
    if (option === undefined) continue;
    raw.delete(old);
    diagnostics.push(
      diagnosticAt(
        option.at,
        "warning",
        "legacy_option",
        `option ${old} is the old name of ${current}, which Starlake no longer reads: it is ignored${written.has(current) ? "" : `; rename it to ${current} to run the dependencies first`}`,
      ),
    );
  }
  for (const spec of OPTION_SPECS) {
    const given = raw.get(spec.key);
    const fromEnv = env[spec.key];
    const text = given?.value ?? fromEnv;
    if (text === undefined) {
      values[spec.key] = spec.default;
      continue;
    }
    const parsed = parseOptionValue(text, spec.type);
    if (parsed.ok) {
      values[spec.key] = parsed.value;
    } else {
      const origin = given === undefined ? ` (from environment variable ${spec.key})` : "";
      diagnostics.push(
        diagnosticAt(
          given?.at,
          "error",
          "invalid_option",
          `option ${spec.key}: invalid value ${shortQuote(text)}${origin}; expected ${parsed.expected}`,
        ),
      );
      values[spec.key] = spec.default;
    }
  }
  for (const [key, option] of [...raw].sort(([a], [b]) => a.localeCompare(b))) {
    if (OPTION_BY_KEY.has(key)) continue;
    values[key] = option.value;
    if (claimed.has(key)) continue;
    if (UNSUPPORTED_OPTIONS.has(key)) {
      diagnostics.push(
        diagnosticAt(
          option.at,
          "warning",
          "unsupported_option",
          `option ${key} of the Python library is not supported by slo's runners; it is ignored`,
        ),
      );
      continue;
    }
    const meant = closest(key, [...OPTION_BY_KEY.keys(), ...claimed]);
    diagnostics.push(
      diagnosticAt(
        option.at,
        "warning",
        "unknown_option",
        `unknown option ${key}${meant !== undefined ? `; did you mean ${meant}?` : "; no runner reads it, it is ignored"}`,
      ),
    );
  }
  diagnostics.push(...crossChecks(values, raw));
  return { values, diagnostics };
}

function crossChecks(
  values: Record<string, OptionValue>,
  raw: ReadonlyMap<string, RawOption>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const poke = values.pre_load_poke_interval as number;
  const timeout = values.pre_load_timeout as number;
  if (values.pre_load_sensor === true && timeout < poke) {
    out.push(
      diagnosticAt(
        raw.get("pre_load_timeout")?.at,
        "error",
        "invalid_option",
        `option pre_load_timeout: ${timeout} is shorter than pre_load_poke_interval ${poke}; expected at least the poke interval`,
      ),
    );
  }
  const envVars = values.sl_env_var;
  if (typeof envVars === "string") out.push(...envVarProblems(envVars, raw.get("sl_env_var")?.at));
  for (const [key, { value, at }] of raw) {
    const problem = textProblem(value);
    if (problem) out.push(unsafe(at, `option ${key}: the value ${problem}`));
  }
  const [start, end] = [values.start_date, values.end_date];
  if (typeof start === "string" && typeof end === "string" && end < start)
    out.push(
      invalid(
        raw.get("end_date")?.at,
        `option end_date: ${end} is before start_date ${start}; expected a date on or after it`,
      ),
    );
  const pool = values.default_pool;
  if (typeof pool === "string" && !/^\S{1,256}$/.test(pool))
    out.push(
      invalid(
        raw.get("default_pool")?.at,
        `option default_pool: invalid pool name ${JSON.stringify(pool)}; expected 1 to 256 characters without spaces (Dagster refuses spaces, Airflow stores at most 256)`,
      ),
    );
  for (const tag of String(values.tags ?? "").split(" "))
    if (tag.length > TAG_MAX)
      out.push(
        invalid(
          raw.get("tags")?.at,
          `option tags: tag ${JSON.stringify(`${tag.slice(0, 20)}…`)} is ${tag.length} characters long; expected at most ${TAG_MAX} (Airflow's limit)`,
        ),
      );
  return out;
}

/** A value as JSON text, cut to a readable length (a diagnostic is one line). */
function shortQuote(text: string): string {
  return JSON.stringify(
    text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters)` : text,
  );
}

/** Airflow refuses DAG tags longer than this. */
const TAG_MAX = 100;

const invalid = (at: Place | undefined, message: string) =>
  diagnosticAt(at, "error", "invalid_option", message);

// A value that cannot reach Starlake intact, or would reach a shell as code: refused by every
// verb, `slo validate` included (see cli/validate.ts).
const unsafe = (at: Place | undefined, message: string) =>
  diagnosticAt(at, "error", "unsafe_option", message);

/**
 * The Starlake variables become environment variables (a sensor exports them in bash) and
 * `k=v` items of `--options`: names must be variable names, values plain list items.
 */
function envVarProblems(json: string, at: Place | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, unknown>)) {
    const nameProblem = envNameProblem(k);
    if (nameProblem) {
      out.push(unsafe(at, `option sl_env_var: key ${JSON.stringify(k)} ${nameProblem}`));
      continue;
    }
    const problem = typeof v === "string" ? listItemProblem(v) : undefined;
    if (typeof v !== "string")
      out.push(
        unsafe(at, `option sl_env_var: value of ${k} is ${JSON.stringify(v)}; expected a string`),
      );
    else if (problem) out.push(unsafe(at, `option sl_env_var: the value of ${k} ${problem}`));
  }
  return out;
}
