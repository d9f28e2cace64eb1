import { type RunDate, runDateText } from "../pipeline/run-period.js";
import { DAY_TAG, SCHEDULED_DATE_TAG, scheduledDateTag } from "./dagster/dagster-targets.js";

/**
 * Where a day travels to a generated file: the Airflow conf key and the Dagster tag the runtimes
 * read. A day cannot be an instant: which tick it means depends on the pipeline's cron and time
 * zone, which only the generated file knows (docs/dates.md).
 */
export const DAY_KEY = DAY_TAG;

/**
 * What a run of a generated Airflow DAG is given for a date: a logical date, and the day. A day's
 * logical date is its noon in UTC, which no zone's start of that day follows: a DAG whose
 * start_date is that day, wherever, still runs its tasks.
 */
export function airflowDate(date: RunDate): {
  logicalDate: string;
  conf: Record<string, string>;
} {
  if (date.kind === "day")
    return { logicalDate: `${date.day}T12:00:00Z`, conf: { [DAY_KEY]: date.day } };
  return { logicalDate: runDateText(date), conf: {} };
}

/** The tags a run of a generated Dagster job is given for a date. */
export function dagsterDateTags(date: RunDate): Record<string, string> {
  if (date.kind === "day") return { [DAY_KEY]: date.day };
  return { [SCHEDULED_DATE_TAG]: scheduledDateTag(runDateText(date)) };
}
