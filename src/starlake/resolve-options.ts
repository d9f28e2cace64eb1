import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { closest } from "../util/suggest.js";
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
 * Unknown keys are kept (environments and templates read their own) and warned about when they
 * look like a typo of a known key.
 */
export function resolveOptions(
  raw: ReadonlyMap<string, RawOption>,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedOptions {
  const values: Record<string, OptionValue> = {};
  const diagnostics: Diagnostic[] = [];
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
          `option ${spec.key}: invalid value ${JSON.stringify(text)}${origin}; expected ${parsed.expected}`,
        ),
      );
      values[spec.key] = spec.default;
    }
  }
  for (const [key, option] of [...raw].sort(([a], [b]) => a.localeCompare(b))) {
    if (OPTION_BY_KEY.has(key)) continue;
    values[key] = option.value;
    const meant = closest(key, OPTION_BY_KEY.keys());
    if (meant !== undefined) {
      diagnostics.push(
        diagnosticAt(
          option.at,
          "warning",
          "unknown_option",
          `unknown option ${key}; did you mean ${meant}?`,
        ),
      );
    }
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
  if (typeof envVars === "string") {
    const parsed = JSON.parse(envVars) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== "string") {
        out.push(
          diagnosticAt(
            raw.get("sl_env_var")?.at,
            "error",
            "invalid_option",
            `option sl_env_var: value of ${k} is ${JSON.stringify(v)}; expected a string`,
          ),
        );
      }
    }
  }
  return out;
}
