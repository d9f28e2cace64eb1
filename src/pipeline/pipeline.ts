import type { Dataset } from "./dataset.js";
import type { ExecutionEnvironment } from "./environment.js";
import type { Schedule } from "./schedule.js";

export type {
  CloudRunEnvironment,
  CloudWait,
  DataprocEnvironment,
  ExecutionEnvironment,
  FargateEnvironment,
  RegisteredEnvironment,
  ShellEnvironment,
} from "./environment.js";

/**
 * The pipeline model (the IR): plain, JSON-safe data that every backend and the engine consume.
 * `slo plan --json` prints it.
 */
export interface Pipeline {
  /** Unique among the pipelines of a project; `[A-Za-z0-9_]+`. */
  readonly id: string;
  readonly kind: PipelineKind;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schedule: Schedule;
  /** Cron used to compute the scheduled date and the data interval: the schedule's cron, or the most frequent upstream cron. */
  readonly dataCron?: string;
  readonly catchup: boolean;
  /** `YYYY-MM-DD`; absent when the project does not set one (backends then use a fixed past date). */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly timezone: string;
  readonly maxActiveRuns: number;
  /** Defaults for every task; a task may override them. */
  readonly defaults: TaskDefaults;
  readonly environment: ExecutionEnvironment;
  readonly tasks: readonly Task[];
  readonly groups: readonly Group[];
  /** Sorted by (from, to). */
  readonly edges: readonly Edge[];
  /** Datasets produced by this pipeline's tasks, and the upstream datasets it waits for. */
  readonly datasets: readonly Dataset[];
  /** Where the pipeline comes from (dag config, rendered file name), for headers and messages. */
  readonly source?: PipelineSource;
  /**
   * Pools the tasks need, with their slots, that the pipeline declares itself (a one-slot pool per
   * DuckDB file written); a runner creates them or refuses, and `--pool` may widen them.
   */
  readonly pools?: Readonly<Record<string, number>>;
  /** Remarks for the reader of `slo plan` (duplicated work, dropped dependencies…). */
  readonly notes?: readonly string[];
  /** Settings only Airflow has a place for, parsed once from their options. */
  readonly airflow?: AirflowSettings;
  /**
   * Every option as resolved (dag config, environment, defaults), for `slo plan --json` and
   * library users to read. Runners never read it: what they need is typed above.
   */
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
}

/** A value parsed from a JSON option. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The dag config options that only an Airflow DAG has a place for. */
export interface AirflowSettings {
  /** `default_dag_args`: under every task's default_args, the pipeline's own settings winning. */
  readonly defaultDagArgs?: Readonly<Record<string, JsonValue>>;
  /** `access_control`: the DAG's access control. */
  readonly accessControl?: Readonly<Record<string, JsonValue>>;
}

export type PipelineKind = "load" | "transform" | "custom";

export interface PipelineSource {
  /** Dag config name (file name without `.sl.yml`). */
  readonly config: string;
  /** Rendered `filename` of the dag config, e.g. `bakery_shop.py`. */
  readonly file: string;
  readonly template?: string;
}

export interface TaskDefaults {
  readonly retries: number;
  /** Seconds. */
  readonly retryDelay: number;
  readonly pool?: string;
  /** Seconds; absent = no limit. */
  readonly timeout?: number;
}

export type TaskKind =
  | "start"
  | "preload"
  | "stage"
  | "load"
  | "transform"
  | "empty"
  | "end"
  | "pre"
  | "post";

/**
 * When a task may run, given its upstreams' final states.
 * `all_success`: every upstream succeeded (a skipped upstream skips this task).
 * `none_failed_min_one_success`: no upstream failed and at least one succeeded (joins after gated loads).
 * `all_done`: whatever the upstreams did (clean-up).
 */
export type TriggerRule = "all_success" | "none_failed_min_one_success" | "all_done";

export interface Task {
  readonly id: string;
  readonly kind: TaskKind;
  /** Id of the innermost group holding the task. */
  readonly group?: string;
  /** Starlake argv without the executable (spec §4.1); absent for tasks that run nothing. */
  readonly command?: readonly string[];
  /** Whether the runner inserts `--scheduledDate <date>` after the verb (load and transform). */
  readonly scheduledDate?: boolean;
  /** Whether the runner appends the data interval to `--options` (transforms with a data cron). */
  readonly dataInterval?: boolean;
  /** URI of the dataset this task produces. */
  readonly produces?: string;
  readonly trigger: TriggerRule;
  /** Pre-load gate: what "nothing to load" means for this task's downstream. */
  readonly gate?: PreloadGate;
  /** What the task works on, for display and for backends that need it (asset groups). */
  readonly domain?: string;
  readonly table?: string;
  readonly retries?: number;
  readonly retryDelay?: number;
  readonly pool?: string;
  readonly timeout?: number;
  /** Load tasks: the table's files a failed load left behind, returned before each attempt. */
  readonly recover?: LoadRecovery;
}

/**
 * Starlake's `load` moves a table's files from the pending folder to the ingesting folder and,
 * when the load fails, leaves them there: a retry would find nothing pending and succeed having
 * loaded nothing. Before each attempt of the load, the runner moves the files of `ingesting`
 * whose name fully matches `pattern` back to `pending` (never over a file of the same name).
 */
export interface LoadRecovery {
  /** Absolute: `<SL_DATASETS>/<SL_AREA_INGESTING>/<domain>`. */
  readonly ingesting: string;
  /** Absolute: `<SL_DATASETS>/<SL_AREA_STAGE>/<domain>`, where the load looks for files. */
  readonly pending: string;
  /** The table's file name pattern (a Java regular expression read alike in JavaScript and Python). */
  readonly pattern: string;
}

export type PreloadStrategy = "none" | "imported" | "pending" | "ack";

/**
 * A preload task answers "is there anything to load?". Exit 0: yes, run downstream. Exit 1 (or the
 * not-ready marker when a sentinel is configured): nothing to load, downstream tasks are skipped
 * and the run does not fail. Anything else is a failure.
 */
export interface PreloadGate {
  readonly strategy: Exclude<PreloadStrategy, "none">;
  /** Poke until ready instead of deciding once (sensor mode, or the ACK strategy's wait). */
  readonly sensor?: {
    readonly pokeInterval: number;
    readonly timeout: number;
    readonly softFail: boolean;
  };
  /** `--notReadySentinel` marker URI, when configured. */
  readonly sentinel?: string;
}

export interface Group {
  readonly id: string;
  readonly kind: GroupKind;
  readonly parent?: string;
  readonly label?: string;
}

export type GroupKind = "domain" | "preload" | "load" | "custom";

export interface Edge {
  readonly from: string;
  readonly to: string;
}
