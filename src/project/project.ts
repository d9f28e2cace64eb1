import type { Place } from "../pipeline/diagnostic.js";
import type { Variables } from "./variables.js";

/** A value and where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly at: Place;
}

/** A Starlake project as we read it: typed, validated, with lineage resolved. */
export interface Project {
  /** Absolute path of the project folder (the one holding `metadata/`). */
  readonly root: string;
  readonly slEnv?: string;
  readonly vars: Variables;
  readonly application: Application;
  /** Sorted by name. */
  readonly domains: readonly LoadDomain[];
  /** Sorted by full name. */
  readonly transforms: readonly Transform[];
  /** Sorted by name. */
  readonly dagConfigs: readonly DagConfig[];
}

export interface Application {
  readonly file?: string;
  readonly dagRefLoad?: Located<string>;
  readonly dagRefTransform?: Located<string>;
  readonly schedulePresets: Readonly<Record<string, string>>;
  /** Engine of the active connection (`duckdb`, `bigquery`…), to pick the SQL dialect. */
  readonly engine?: string;
}

export interface LoadDomain {
  readonly name: string;
  /** Name in the warehouse (`rename`), else the name. */
  readonly finalName: string;
  readonly file?: string;
  readonly tables: readonly LoadTable[];
}

export interface LoadTable {
  readonly domain: string;
  readonly name: string;
  readonly finalName: string;
  readonly file: string;
  /** The file name pattern (a Java regular expression Starlake fully matches names against). */
  readonly pattern?: Located<string>;
  /** Effective dag config: table, else domain, else application. */
  readonly dagRef?: Located<string>;
  /** Effective schedule (preset name or raw cron): table, else domain. */
  readonly schedule?: Located<string>;
  /** Seconds (`freshness.error`). */
  readonly freshness?: number;
  readonly writeStrategy?: string;
  /** The table's own `tags` (not its domain's), which `--tags` matches; sorted. */
  readonly tags?: readonly string[];
}

export interface Transform {
  readonly domain: string;
  /** Task name = the file name (Starlake overwrites `name:` with it). */
  readonly name: string;
  /** `domain.name`. */
  readonly fullName: string;
  /** Target table, default the task name. */
  readonly table: string;
  readonly file?: string;
  readonly sqlFile?: string;
  readonly dagRef?: Located<string>;
  readonly schedule?: Located<string>;
  readonly freshness?: number;
  readonly writeStrategy?: string;
  /** The task's own `dataset_triggering_strategy` (Starlake's `AutoTaskInfo`), else its folder default's. */
  readonly triggeringStrategy?: Located<string>;
  /** Its folder default's `tags` and its own, which `--tags` matches; sorted. */
  readonly tags?: readonly string[];
  /** What the SQL reads, resolved; sorted, without duplicates. */
  readonly upstream: readonly Upstream[];
}

export type Upstream =
  | { readonly kind: "transform"; readonly name: string }
  | { readonly kind: "table"; readonly domain: string; readonly table: string };

export interface DagConfig {
  readonly name: string;
  readonly file: string;
  readonly comment?: string;
  readonly template: Located<string>;
  readonly filename: Located<string>;
  /** Unrendered values: they may use `{{domain}}`, `{{table}}`… rendered per pipeline. */
  readonly options: ReadonlyMap<string, Located<string>>;
}
