import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunDate } from "../pipeline/run-period.js";
import type { BackfillFile } from "../remote/backfill-file.js";
import type { PartitionRun } from "../remote/backfill-plan.js";
import { periodLine, periodValues } from "./period-text.js";

/** The date each run is for, as the generated runtimes read it: a day, else the instant sent. */
function runDate(run: PartitionRun): RunDate | undefined {
  if (run.day !== undefined) return { kind: "day", day: run.day };
  return run.date !== undefined ? { kind: "instant", at: new Date(run.date) } : undefined;
}

/** What a run sends, in words: the day (that day's period) or the instant. */
function sent(run: PartitionRun): string {
  if (run.day !== undefined) return `day ${run.day}`;
  return run.date !== undefined ? `date ${run.date}` : "no date";
}

/**
 * `slo backfill --dry-run`: the runs it would submit, and per run the date it sends; with the
 * project's pipeline (`--project`), the --scheduledDate and data interval Starlake gets.
 */
export function backfillDryRunText(
  file: BackfillFile,
  plan: readonly PartitionRun[],
  maxConcurrent: number,
  pipeline: Pipeline | undefined,
): string {
  const target = file.dag_id
    ? `Airflow DAG ${file.dag_id}`
    : file.job_name
      ? `Dagster job ${file.job_name}`
      : `Dagster assets ${file.assets?.join(", ")}`;
  const lines = [
    `backfill ${file.tags.name}: ${plan.length} runs of ${target}${file.native ? " as one native backfill" : ""}, at most ${maxConcurrent} at once`,
  ];
  if (file.native && pipeline !== undefined)
    lines.push(
      "  (a native backfill runs the orchestrator's own ticks in the range: the dates below are slo's)",
    );
  for (const run of plan) {
    const date = runDate(run);
    const values = date && pipeline ? `: ${periodLine(pipeline, date)}` : "";
    lines.push(`  ${run.key}  (${sent(run)})${values}`);
  }
  if (pipeline === undefined && plan.some((r) => r.day !== undefined))
    lines.push(
      "  a day runs for that day's tick of the pipeline's cron, in its time zone (docs/dates.md); --project DIR shows each --scheduledDate",
    );
  return `${lines.join("\n")}\n`;
}

/** The pipeline a backfill file targets, among the project's; bad input when it is not there. */
export function backfillPipeline(
  file: BackfillFile,
  path: string,
  pipelines: readonly Pipeline[],
  project: string,
): Pipeline {
  const id = file.dag_id ?? file.job_name;
  const found = pipelines.find((p) => p.id === id);
  if (found === undefined)
    throw new ConfigError(
      `${path}: ${file.dag_id ? "dag_id" : "job_name"} ${JSON.stringify(id ?? "")} is not a pipeline of ${project}`,
    );
  return found;
}

/** The runs of `--dry-run --json`; with the pipeline, each with the values Starlake gets. */
export function backfillRunsJson(
  plan: readonly PartitionRun[],
  pipeline: Pipeline | undefined,
): object[] {
  return plan.map((run) => {
    const date = runDate(run);
    return date && pipeline ? { ...run, ...periodValues(pipeline, date) } : run;
  });
}
