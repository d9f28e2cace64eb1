import { ConfigError } from "../errors.js";
import type { RunDate } from "../pipeline/run-period.js";
import { airflowRef, airflowState, checkDag } from "./airflow/airflow-targets.js";
import { dagsterState, findJob } from "./dagster/dagster-targets.js";
import { airflowDate, dagsterDateTags } from "./date-request.js";
import type { RemoteClient } from "./profiles.js";
import { FINISHED, type RunState } from "./remote-run.js";

/** One remote run as `slo status` shows it, the same for both orchestrators. */
export interface RunDetail {
  readonly ref: string;
  /** Dagster job or Airflow DAG: the pipeline id for files we generated. */
  readonly pipeline: string;
  readonly state: RunState;
  /** The server's own word for the state (FAILURE, up_for_retry...). */
  readonly serverState: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** Airflow task instances (Dagster steps are not listed). */
  readonly tasks?: readonly { id: string; state: string; tries: number }[];
}

export interface TriggerRequest {
  readonly pipeline: string;
  /** The period asked for (docs/dates.md); default: now. */
  readonly date?: RunDate;
  /** Airflow conf, Dagster run config. */
  readonly conf?: Record<string, unknown>;
  readonly unpause: boolean;
}

/** Starts one run of a pipeline; returns its reference. */
export async function trigger(remote: RemoteClient, request: TriggerRequest): Promise<string> {
  if (remote.kind === "dagster") {
    const job = await findJob(remote.client, request.pipeline, {
      ...(remote.profile.kind === "dagster" && remote.profile.location
        ? { location: remote.profile.location }
        : {}),
    });
    return remote.client.launchRun({
      job,
      tags: request.date ? dagsterDateTags(request.date) : {},
      ...(request.conf ? { runConfig: request.conf } : {}),
    });
  }
  await checkDag(remote.client, request.pipeline, request.unpause);
  const dated = request.date ? airflowDate(request.date) : undefined;
  const conf = { ...request.conf, ...dated?.conf };
  const run = await remote.client.trigger(request.pipeline, {
    logicalDate: dated?.logicalDate ?? new Date().toISOString(),
    ...(Object.keys(conf).length > 0 ? { conf } : {}),
  });
  return airflowRef(run);
}

/** The current state of a run. */
export async function runStatus(remote: RemoteClient, ref: string): Promise<RunDetail> {
  if (remote.kind === "dagster") {
    const run = await remote.client.run(ref);
    const time = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString());
    return {
      ref,
      pipeline: run.jobName,
      state: dagsterState(run.status),
      serverState: run.status,
      startedAt: time(run.startTime),
      endedAt: time(run.endTime),
    };
  }
  const slash = ref.indexOf("/");
  if (slash <= 0)
    throw new ConfigError(
      `run ${ref}: an Airflow run is named DAG_ID/RUN_ID (as slo trigger prints)`,
    );
  const dagId = ref.slice(0, slash);
  const runId = ref.slice(slash + 1);
  const run = await remote.client.run(dagId, runId);
  const tasks = await remote.client.taskInstances(dagId, runId);
  return {
    ref,
    pipeline: dagId,
    state: airflowState(run.state),
    serverState: run.state,
    startedAt: run.start_date ?? null,
    endedAt: run.end_date ?? null,
    tasks: tasks.map((t) => ({ id: t.task_id, state: t.state ?? "none", tries: t.try_number })),
  };
}

/** Polls a run until it has finished. */
export async function followRun(
  remote: RemoteClient,
  ref: string,
  pollMs: number,
  onChange?: (d: RunDetail) => void,
): Promise<RunDetail> {
  let last = "";
  for (;;) {
    const detail = await runStatus(remote, ref);
    if (detail.serverState !== last) onChange?.(detail);
    last = detail.serverState;
    if (FINISHED.has(detail.state)) return detail;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
