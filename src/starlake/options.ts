/**
 * The options a dag config may set (spec §3.1-3.3), each with its type and default. Values arrive
 * as strings; `resolveOptions` turns them into typed values with the precedence
 * dag config option > environment variable > default (the Python library lets a default hide the
 * environment: we do not).
 */
export type OptionType =
  | { readonly kind: "string" }
  | { readonly kind: "int"; readonly min: number; readonly max: number }
  | { readonly kind: "bool" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "json-object" }
  | { readonly kind: "date" }
  | { readonly kind: "timezone" }
  | { readonly kind: "cron-period" }
  | { readonly kind: "words" }
  /** `any`, `all` or a boolean expression over dataset names (trigger-expression.ts). */
  | { readonly kind: "trigger" };

export type OptionValue = string | number | boolean | null;

export interface OptionSpec {
  readonly key: string;
  readonly type: OptionType;
  readonly default: OptionValue;
  readonly scope: "core" | "shell" | "airflow";
  readonly doc: string;
}

const str = { kind: "string" } as const;
const bool = { kind: "bool" } as const;
/** What the 32-bit integer columns of Airflow's and Dagster's databases hold. */
export const INT_MAX = 2_147_483_647;
/** The longest wait a Node timer holds (2^31-1 ms, about 24.8 days): the engine waits with them. */
export const SECONDS_MAX = 2_147_483;
const nonNegative = { kind: "int", min: 0, max: INT_MAX } as const;
const positive = { kind: "int", min: 1, max: INT_MAX } as const;
const seconds = { kind: "int", min: 0, max: SECONDS_MAX } as const;
const positiveSeconds = { kind: "int", min: 1, max: SECONDS_MAX } as const;

/** Every option we read, in the order of the spec's tables. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    key: "sl_env_var",
    type: { kind: "json-object" },
    default: "{}",
    scope: "core",
    doc: "Starlake variables for every command (JSON object of strings); SL_ROOT is the working directory.",
  },
  {
    key: "pre_load_strategy",
    type: { kind: "enum", values: ["none", "imported", "pending", "ack"] },
    default: "none",
    scope: "core",
    doc: "Check before loading a domain: none, imported (files in the landing area, then stage), pending (files staged), ack (an ack file).",
  },
  {
    key: "global_ack_file_path",
    type: str,
    default: null,
    scope: "core",
    doc: "ACK file given to `preload --globalAckFilePath`; default <SL_DATASETS>/pending/<domain>/<domain>.ack.",
  },
  {
    key: "ack_wait_timeout",
    type: seconds,
    default: 3600,
    scope: "core",
    doc: "ACK strategy: seconds to wait for the ack file, checking every pre_load_poke_interval at most, before skipping the loads; 0 checks once. Ignored when pre_load_sensor is set.",
  },
  {
    key: "pre_load_sensor",
    type: bool,
    default: false,
    scope: "core",
    doc: "Poke the preload check until ready instead of deciding once.",
  },
  {
    key: "pre_load_poke_interval",
    type: positiveSeconds,
    default: 300,
    scope: "core",
    doc: "Sensor mode: seconds between two checks.",
  },
  {
    key: "pre_load_timeout",
    type: positiveSeconds,
    default: 3600,
    scope: "core",
    doc: "Sensor mode: seconds before giving up (at least the poke interval).",
  },
  {
    key: "pre_load_sensor_soft_fail",
    type: bool,
    default: false,
    scope: "core",
    doc: "Sensor mode: on timeout skip the loads instead of failing.",
  },
  {
    key: "pre_load_not_ready_sentinel_path",
    type: str,
    default: null,
    scope: "core",
    doc: "URI prefix of the `--notReadySentinel` marker that tells 'not ready' from a failure.",
  },
  { key: "retries", type: nonNegative, default: 1, scope: "core", doc: "Retries of every task." },
  {
    key: "retry_delay",
    type: seconds,
    default: 300,
    scope: "core",
    doc: "Seconds between retries.",
  },
  {
    key: "tags",
    type: { kind: "words" },
    default: "",
    scope: "core",
    doc: "Space-separated pipeline tags (load pipelines add their domains).",
  },
  {
    key: "start_date",
    type: { kind: "date" },
    default: null,
    scope: "core",
    doc: "YYYY-MM-DD start of the schedule.",
  },
  {
    key: "end_date",
    type: { kind: "date" },
    default: null,
    scope: "core",
    doc: "YYYY-MM-DD end of the schedule.",
  },
  {
    key: "timezone",
    type: { kind: "timezone" },
    default: null,
    scope: "core",
    doc: "IANA zone of crons and dates; else SL_TIMEZONE; else UTC.",
  },
  {
    key: "SL_TIMEZONE",
    type: { kind: "timezone" },
    default: null,
    scope: "core",
    doc: "Zone injected by `starlake dag-generate`; used when `timezone` is not set.",
  },
  {
    key: "cron_period_frequency",
    type: { kind: "enum", values: ["day", "week", "month", "year"] },
    default: "week",
    scope: "core",
    doc: "Kept for compatibility; not used for scheduling.",
  },
  {
    key: "run_dependencies_first",
    type: bool,
    default: false,
    scope: "core",
    doc: "Transform pipelines also run every upstream transform and load (to full depth) instead of waiting for datasets.",
  },
  {
    key: "catchup",
    type: bool,
    default: false,
    scope: "core",
    doc: "Cron transform pipelines run the ticks missed since start_date.",
  },
  {
    key: "dataset_triggering_strategy",
    type: { kind: "trigger" },
    default: "any",
    scope: "core",
    doc: "Dataset-triggered pipelines: run when any or all upstream datasets are produced, or as a boolean expression over them says (`orders & (customers | products)`; `and`/`or` also read).",
  },
  {
    key: "data_cycle_enabled",
    type: bool,
    default: false,
    scope: "core",
    doc: "Use a data cycle in freshness checks.",
  },
  {
    key: "data_cycle",
    type: { kind: "cron-period" },
    default: null,
    scope: "core",
    doc: "none, hourly, daily, weekly, monthly, yearly or a cron; defaults to the computed cron when enabled.",
  },
  {
    key: "beyond_data_cycle_enabled",
    type: bool,
    default: true,
    scope: "core",
    doc: "Widen freshness windows by each dataset's freshness.",
  },
  {
    key: "optional_dataset_enabled",
    type: bool,
    default: false,
    scope: "core",
    doc: "Datasets slower than the data cycle are not required.",
  },
  {
    key: "min_timedelta_between_runs",
    type: seconds,
    default: 900,
    scope: "core",
    doc: "Seconds under which a second dataset-triggered run for the same scheduled date is skipped.",
  },
  {
    key: "sl_schedule_parameter_name",
    type: str,
    default: "sl_schedule",
    scope: "core",
    doc: "Query parameter of scheduled dataset URLs.",
  },
  {
    key: "sl_schedule_format",
    type: str,
    default: "%Y%m%dT%H%M",
    scope: "core",
    doc: "strftime format of that parameter.",
  },
  {
    key: "spark_config_name",
    type: str,
    default: null,
    scope: "core",
    doc: "Key of the Spark configuration (default <domain>.<table> or the transform name).",
  },
  {
    key: "spark_executor_memory",
    type: str,
    default: "11g",
    scope: "core",
    doc: "Spark executor memory (Dataproc).",
  },
  {
    key: "spark_executor_cores",
    type: positive,
    default: 4,
    scope: "core",
    doc: "Spark executor cores (Dataproc).",
  },
  {
    key: "spark_executor_instances",
    type: positive,
    default: 1,
    scope: "core",
    doc: "Spark executor instances (Dataproc).",
  },
  {
    key: "SL_STARLAKE_PATH",
    type: str,
    default: "starlake",
    scope: "shell",
    doc: "Starlake executable of shell commands.",
  },
  {
    key: "sl_include_env_vars",
    type: str,
    default: "GOOGLE_APPLICATION_CREDENTIALS,AWS_KEY_ID,AWS_SECRET_KEY",
    scope: "shell",
    doc: "OS variables passed to shell commands (`*` for all).",
  },
  {
    key: "default_pool",
    type: str,
    default: "default_pool",
    scope: "airflow",
    doc: "Pool of every task.",
  },
  {
    key: "max_active_runs",
    type: positive,
    default: 3,
    scope: "airflow",
    doc: "Concurrent runs of a pipeline (1 for dataset-triggered pipelines).",
  },
  {
    key: "default_dag_args",
    type: { kind: "json-object" },
    default: "{}",
    scope: "airflow",
    doc: "JSON merged into Airflow default_args.",
  },
  {
    key: "access_control",
    type: { kind: "json-object" },
    default: null,
    scope: "airflow",
    doc: "Airflow DAG access control (JSON).",
  },
];

export const OPTION_BY_KEY: ReadonlyMap<string, OptionSpec> = new Map(
  OPTION_SPECS.map((s) => [s.key, s]),
);
