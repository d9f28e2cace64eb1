/** When a pipeline runs: on a cron in a time zone, when upstream datasets are produced, or only by hand. */
export type Schedule = CronSchedule | DatasetSchedule | ManualSchedule;

export interface CronSchedule {
  readonly kind: "cron";
  /** Five-field cron expression. */
  readonly cron: string;
  /** IANA time zone the cron is read in. */
  readonly timezone: string;
  /** Schedule name from the project (a preset name, or the stable name given to a raw cron). */
  readonly name?: string;
}

export interface DatasetSchedule {
  readonly kind: "datasets";
  /** URIs of the upstream datasets whose events can trigger a run, sorted. */
  readonly datasets: readonly string[];
  /**
   * `any`: one produced dataset triggers a run; `all`: every one must be produced; an expression:
   * the `and`/`or` combination it states (its leaves are among `datasets`).
   */
  readonly strategy: TriggerStrategy;
}

export interface ManualSchedule {
  readonly kind: "manual";
}

export type TriggerStrategy = "any" | "all" | TriggerExpression;

/** A boolean condition over dataset URIs: a dataset counts when it has a new event since the last run. */
export type TriggerExpression =
  | { readonly kind: "dataset"; readonly uri: string }
  | { readonly kind: "and" | "or"; readonly of: readonly TriggerExpression[] };
