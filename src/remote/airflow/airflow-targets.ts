import { createHash } from "node:crypto";
import { RemoteError } from "../../errors.js";
import type { BackfillFile } from "../backfill-file.js";
import type { PartitionRun } from "../backfill-plan.js";
import { airflowDate } from "../date-request.js";
import { serverError } from "../http.js";
import type { BackfillTarget, RemoteRun, RunState } from "../remote-run.js";
import type { AirflowClient, DagRun } from "./airflow-client.js";

export function airflowState(state: string): RunState {
  if (state === "success") return "success";
  if (state === "failed") return "failed";
  if (state === "queued") return "queued";
  return "running";
}

/** How `slo status` names an Airflow run: run ids are unique only within their DAG. */
export function airflowRef(run: DagRun): string {
  return `${run.dag_id}/${run.dag_run_id}`;
}

const short = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);
/** Airflow's default `allowed_run_id_pattern` is `^[A-Za-z0-9_.~:+-]+$`. */
const safe = (text: string, max: number) => text.replace(/[^A-Za-z0-9_.~:+-]/g, "_").slice(0, max);

/**
 * The run id of a combination: readable, within Airflow's allowed characters, and unique (the
 * hashes keep names and keys apart that differ only in characters Airflow does not allow).
 * Triggering with it is idempotent: a second trigger gets 409 and finds the first run.
 */
export function backfillRunPrefix(name: string): string {
  return `slo__${safe(name, 60)}-${short(name)}__`;
}

export function backfillRunId(name: string, key: string): string {
  return `${backfillRunPrefix(name)}${safe(key, 120)}-${short(key)}`;
}

/** Fails early when the DAG would never run what we trigger. */
export async function checkDag(client: AirflowClient, dagId: string, unpause: boolean) {
  const dag = await client.dag(dagId);
  if (dag.is_paused) {
    if (!unpause)
      throw serverError(
        client.endpoint,
        `DAG ${dagId} is paused, so its runs would stay queued: unpause it, or pass --unpause`,
      );
    await client.setPaused(dagId, false);
  }
  return dag;
}

/** One DAG run per combination: the date dimension is the logical date, the values go to conf. */
export function airflowRunsTarget(
  client: AirflowClient,
  dagId: string,
  file: BackfillFile,
  plan: readonly PartitionRun[],
): BackfillTarget {
  const name = file.tags.name;
  const keyOf = new Map(plan.map((run) => [backfillRunId(name, run.key), run.key]));
  const shared = file.tags.partitions.some((p) => "values" in p);
  const toRemote = (r: DagRun): RemoteRun => ({
    key: keyOf.get(r.dag_run_id) ?? r.dag_run_id,
    ref: airflowRef(r),
    state: airflowState(r.state),
  });
  const ours = async () =>
    (await client.runsWithPrefix(dagId, backfillRunPrefix(name))).map(toRemote);
  return {
    description: `airflow DAG ${dagId}`,
    native: false,
    submitted: ours,
    async submit(runs) {
      return Promise.all(
        runs.map(async (run) => {
          try {
            // Airflow allows one run per logical date. With values beside the date, the
            // combinations share dates: their runs get no logical date and run_after carries
            // the date (the generated DAGs read `logical_date or run_after`).
            // a day travels in conf (docs/dates.md); its logical date is the day's noon UTC
            const when = run.day ? airflowDate({ kind: "day", day: run.day }) : undefined;
            const date = when?.logicalDate ?? run.date;
            const created = await client.trigger(dagId, {
              logicalDate: shared ? null : (date ?? null),
              ...(shared && date ? { runAfter: date } : {}),
              conf: { ...file.run_config, ...run.values, ...when?.conf, slo_backfill: name },
              runId: backfillRunId(name, run.key),
            });
            return toRemote(created);
          } catch (e) {
            if (e instanceof RemoteError) return e;
            throw e;
          }
        }),
      );
    },
    async poll() {
      return { runs: await ours(), settled: true };
    },
  };
}

/** Airflow's own backfill over the date range; its runs are found by type and logical date. */
export function airflowNativeTarget(
  client: AirflowClient,
  dagId: string,
  file: BackfillFile,
  plan: readonly PartitionRun[],
): BackfillTarget {
  const name = file.tags.name;
  const range = file.tags.partitions[0];
  const step = range && "every" in range && range.every === "hour" ? 3_600_000 : 86_400_000;
  const dates = plan.map((run) => run.date ?? "").sort();
  const from = dates[0] ?? "";
  // The last date is covered whole: Airflow makes a run for each schedule tick in [from, to].
  const to = new Date(Date.parse(dates[dates.length - 1] ?? "") + step - 1000).toISOString();
  let backfillId: number | undefined;
  const runs = async (): Promise<RemoteRun[]> =>
    (await client.backfillRuns(dagId, from, to)).map((r) => ({
      key: `${range?.name}=${r.logical_date}`,
      ref: airflowRef(r),
      state: airflowState(r.state),
    }));
  return {
    description: `airflow backfill of DAG ${dagId}`,
    native: true,
    async submitted() {
      const mine = (await client.backfills(dagId)).find(
        (b) => (b.dag_run_conf as { slo_backfill?: string } | null)?.slo_backfill === name,
      );
      if (mine === undefined) return [];
      backfillId = mine.id;
      return runs();
    },
    async submit() {
      const created = await client.createBackfill({
        dagId,
        from,
        to,
        conf: { ...file.run_config, slo_backfill: name },
        maxActiveRuns: file.max_concurrent,
      });
      backfillId = created.id;
      return [];
    },
    async poll() {
      if (backfillId === undefined) return { runs: [], settled: false };
      const b = await client.backfill(backfillId);
      return { runs: await runs(), settled: b.completed_at !== null };
    },
  };
}
