import { environmentKind, environmentOptionKeys } from "../environments/registry.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type {
  AirflowSettings,
  ExecutionEnvironment,
  JsonValue,
  TaskDefaults,
} from "../pipeline/pipeline.js";
import type { DagConfig } from "../project/project.js";
import { renderJinjaValue, type Variables } from "../project/variables.js";
import { textProblem } from "../starlake/argument-text.js";
import { checkOptionSafety } from "../starlake/option-safety.js";
import { OPTION_BY_KEY, type OptionValue } from "../starlake/options.js";
import { type RawOption, resolveOptions } from "../starlake/resolve-options.js";
import type { TemplateKind } from "./template-kind.js";

/** What every pipeline of a dag config derives from its options, rendered for one group of tables or tasks. */
export interface PipelineSettings {
  readonly options: Readonly<Record<string, OptionValue>>;
  readonly airflow?: AirflowSettings;
  readonly environment: ExecutionEnvironment;
  readonly defaults: TaskDefaults;
  readonly timezone: string;
  readonly tags: readonly string[];
  readonly description: string;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly maxActiveRuns: number;
  /** SL_DATASETS: `sl_env_var.SL_DATASETS`, else `<SL_ROOT>/datasets`. */
  readonly datasetsRoot: string;
  readonly preTask?: { id: string; command?: readonly string[] };
  readonly postTask?: { id: string; command?: readonly string[] };
}

export interface SettingsInput {
  readonly config: DagConfig;
  readonly template: TemplateKind;
  /** Project variables plus the grouping variables (`domain`, `table`, `schedule`…) shared by the group. */
  readonly vars: Variables;
  /** Environment variables consulted after the dag config's options (process.env for the CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pipelineId: string;
}

export function pipelineSettings(
  input: SettingsInput,
  diagnostics: Diagnostic[],
): PipelineSettings {
  const { config, vars } = input;
  const raw = new Map<string, RawOption>();
  for (const [key, option] of config.options) {
    const { text, missing } = renderOption(key, option.value, vars);
    for (const name of missing) {
      diagnostics.push(
        diagnosticAt(
          option.at,
          "warning",
          "unknown_variable",
          `option ${key}: unknown variable ${name} for pipeline ${input.pipelineId}`,
        ),
      );
    }
    raw.set(key, { value: text, at: option.at });
  }
  const resolved = resolveOnce(raw, input.env);
  diagnostics.push(...resolved.diagnostics);
  const options = resolved.values;
  const slEnv = JSON.parse((options.sl_env_var as string | null) ?? "{}") as Record<
    string,
    unknown
  >;
  // fromEntries: a key such as __proto__ stays a key (reported by resolveOptions) and moves nothing
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(slEnv).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  // The Starlake commands must read the same env files we read (`--sl-env`, $SL_ENV or env.sl.yml).
  if (env.SL_ENV === undefined && vars.SL_ENV) env.SL_ENV = vars.SL_ENV;
  const slRoot = env.SL_ROOT ?? vars.SL_ROOT ?? ".";
  diagnostics.push(...checkOptionSafety(raw, slRoot));
  const kind = environmentKind(input.template.environment);
  const placeOf = (key: string) => raw.get(key)?.at;
  let settings: Record<string, OptionValue> = {};
  if (kind === undefined) {
    diagnostics.push(
      diagnosticAt(
        input.config.template.at,
        "error",
        "unknown_environment",
        `template ${input.config.template.value}: execution environment ${input.template.environment} is not registered`,
      ),
    );
  } else {
    const s = kind.settings(options, placeOf);
    diagnostics.push(...s.diagnostics);
    settings = s.settings;
  }
  const timezone =
    (options.timezone as string | null) ?? (options.SL_TIMEZONE as string | null) ?? "UTC";
  const description = renderJinjaValue(config.comment ?? "", vars).text;
  const descriptionProblem = textProblem(description);
  if (descriptionProblem)
    diagnostics.push({
      code: "invalid_comment",
      severity: "error",
      file: config.file,
      message: `dag config ${config.name}: the comment ${descriptionProblem}`,
    });
  const airflow = airflowSettings(options);
  return {
    options,
    ...(airflow ? { airflow } : {}),
    environment: { kind: input.template.environment, env, settings: { ...settings, slRoot } },
    defaults: {
      retries: options.retries as number,
      retryDelay: options.retry_delay as number,
      ...(typeof options.default_pool === "string" ? { pool: options.default_pool } : {}),
    },
    timezone,
    tags: ((options.tags as string) || "").split(" ").filter(Boolean),
    description,
    ...(options.start_date ? { startDate: options.start_date as string } : {}),
    ...(options.end_date ? { endDate: options.end_date as string } : {}),
    maxActiveRuns: options.max_active_runs as number,
    datasetsRoot: env.SL_DATASETS ?? `${slRoot}/datasets`,
    ...(kind?.preTask ? { preTask: kind.preTask(input.pipelineId) } : {}),
    ...(kind?.postTask ? { postTask: kind.postTask(input.pipelineId) } : {}),
  };
}

// Pipelines of one dag config mostly render its options alike: a project of thousands of tables
// resolves each distinct set once. Keyed by the environment object, which compile copies once per
// call; the result is shared, so it is never changed after this.
const resolvedByEnv = new WeakMap<object, Map<string, ReturnType<typeof resolveOptions>>>();

function resolveOnce(
  raw: ReadonlyMap<string, RawOption>,
  env: Readonly<Record<string, string | undefined>>,
): ReturnType<typeof resolveOptions> {
  const memo = resolvedByEnv.get(env) ?? new Map<string, ReturnType<typeof resolveOptions>>();
  resolvedByEnv.set(env, memo);
  let key = "";
  for (const [k, { value, at }] of raw)
    key += `${k}\u0000${value}\u0000${at?.file ?? ""}\u0000${at?.line ?? ""}\u0000${at?.col ?? ""}\u0001`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const resolved = resolveOptions(raw, env, environmentOptionKeys());
  memo.set(key, resolved);
  return resolved;
}

/** The JSON options of Airflow's DAG (checked to be JSON objects by resolveOptions), parsed once. */
function airflowSettings(
  options: Readonly<Record<string, OptionValue>>,
): AirflowSettings | undefined {
  const object = (key: string) => {
    const text = options[key];
    if (typeof text !== "string") return undefined;
    const value = JSON.parse(text) as Record<string, JsonValue>;
    return Object.keys(value).length > 0 ? value : undefined;
  };
  const defaultDagArgs = object("default_dag_args");
  const accessControl = object("access_control");
  if (!defaultDagArgs && !accessControl) return undefined;
  return {
    ...(defaultDagArgs ? { defaultDagArgs } : {}),
    ...(accessControl ? { accessControl } : {}),
  };
}

/**
 * Renders variables into an option. JSON options get them inside their strings, after parsing,
 * so a value holding `"` or `\` stays one JSON string; text that is not JSON before rendering
 * (a variable standing for JSON) is rendered as text.
 */
function renderOption(
  key: string,
  value: string,
  vars: Variables,
): { text: string; missing: string[] } {
  if (OPTION_BY_KEY.get(key)?.type.kind !== "json-object") return renderJinjaValue(value, vars);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return renderJinjaValue(value, vars);
  }
  const missing: string[] = [];
  const render = (v: unknown): unknown => {
    if (typeof v === "string") {
      const r = renderJinjaValue(v, vars);
      missing.push(...r.missing);
      return r.text;
    }
    if (Array.isArray(v)) return v.map(render);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [render(k), render(x)]));
    return v;
  };
  const json = JSON.stringify(render(parsed));
  // the text rendered as written, when it means the same (it keeps the user's layout)
  const asText = renderJinjaValue(value, vars).text;
  try {
    if (JSON.stringify(JSON.parse(asText)) === json) return { text: asText, missing };
  } catch {
    // a value that broke the JSON: the structured rendering is the one that holds
  }
  return { text: json, missing };
}
