import type { RemoteError } from "../errors.js";
import type { PartitionRun } from "./backfill-plan.js";

/** A run's state in words common to both orchestrators. */
export type RunState = "queued" | "running" | "success" | "failed" | "canceled";

export const FINISHED: ReadonlySet<RunState> = new Set(["success", "failed", "canceled"]);

/** A run on the remote server, tied to the combination of partition values it runs. */
export interface RemoteRun {
  readonly key: string;
  /** How `slo status` finds it again: a Dagster run id, or `dag_id/run_id` on Airflow. */
  readonly ref: string;
  readonly state: RunState;
}

/**
 * What a backfill drives: a Dagster job or an Airflow DAG, one run per combination, or the
 * orchestrator's own backfill. The backfill loop (backfill.ts) only talks to this.
 */
export interface BackfillTarget {
  /** For messages: "dagster job ingest (location defs.py)". */
  readonly description: string;
  /** Runs already submitted under this backfill's name (a second invocation resumes). */
  submitted(): Promise<RemoteRun[]>;
  /** Submits these combinations; each answer is the new run, or why that one was refused. */
  submit(runs: readonly PartitionRun[]): Promise<(RemoteRun | RemoteError)[]>;
  /**
   * The states of every run of the backfill. `settled` says the server will create no more:
   * always true when we submit the runs ourselves; for a native backfill, once it has ended.
   */
  poll(): Promise<{ runs: RemoteRun[]; settled: boolean }>;
  /** Native backfills are submitted whole; the loop then only follows. */
  readonly native: boolean;
}
