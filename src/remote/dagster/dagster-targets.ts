import type { RemoteError } from "../../errors.js";
import type { BackfillFile } from "../backfill-file.js";
import { dagsterPartitionKey, type PartitionRun } from "../backfill-plan.js";
import { serverError } from "../http.js";
import type { BackfillTarget, RemoteRun, RunState } from "../remote-run.js";
import type {
  DagsterClient,
  DagsterJob,
  DagsterRun,
  JobAddress,
  LaunchRequest,
} from "./dagster-client.js";

/** Tags we put on every run of a backfill: its name, and the combination it runs. */
export const BACKFILL_TAG = "slo/backfill";
export const PARTITION_TAG = "slo/partition";
/** The tag our generated Dagster runtime reads the scheduled date from. */
export const SCHEDULED_DATE_TAG = "sl_scheduled_date";
/** The tag of a run for a day; the generated runtime resolves it (docs/dates.md). */
export const DAY_TAG = "sl_date";
const IMPLICIT_ASSET_JOB = "__ASSET_JOB";
/**
 * Launches per `launchMultipleRuns` request, and such requests in flight at once. The server
 * creates the runs of one request one after the other; several requests overlap its waits on its
 * storage and code server (bench/backfill, PostgreSQL instance: 37 ms per run against 54 ms for
 * one request of 200). The runs in flight stay few, because the server shares its time among
 * them, so each request answers after about all of them: 40 at up to 300 ms each on a busy SQLite
 * instance is 12 s, well inside the profile's time limit (200 in flight there took over 60 s).
 */
export const LAUNCH_BATCH = 5;
export const LAUNCHES_IN_FLIGHT = 8;

export function dagsterState(status: string): RunState {
  if (status === "SUCCESS") return "success";
  if (status === "FAILURE") return "failed";
  if (status === "CANCELED") return "canceled";
  if (status === "QUEUED" || status === "NOT_STARTED") return "queued";
  return "running"; // STARTING, STARTED, MANAGED, CANCELING, and states newer than this client
}

/**
 * Finds a job among the loaded code locations. `where` narrows by code location or repository
 * name (the RFC's `repository_name` may be either).
 */
export async function findJob(
  client: DagsterClient,
  name: string,
  where: { location?: string; repository?: string },
): Promise<DagsterJob> {
  const jobs = await client.jobs();
  const named = jobs.filter((j) => j.job === name);
  const matches = named.filter(
    (j) =>
      (where.location === undefined || j.location === where.location) &&
      (where.repository === undefined ||
        j.repository === where.repository ||
        j.location === where.repository),
  );
  const place = (j: JobAddress) =>
    `${j.location}${j.repository === "__repository__" ? "" : `/${j.repository}`}`;
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1)
    throw serverError(
      client.endpoint,
      `job ${name} is in several code locations (${matches.map(place).join(", ")}): name one with location_name or the profile's location`,
    );
  if (named.length > 0)
    throw serverError(
      client.endpoint,
      `job ${name} is not in ${where.location ?? where.repository}; it is in ${named.map(place).join(", ")}`,
    );
  const known = [...new Set(jobs.map((j) => j.job))]
    .filter((j) => j !== IMPLICIT_ASSET_JOB)
    .map((j) => (j.length > 80 ? `${j.slice(0, 80)}…` : j));
  throw serverError(
    client.endpoint,
    `no job ${name} on the server (jobs: ${known.slice(0, 20).join(", ") || "none"}${known.length > 20 ? ", …" : ""})`,
  );
}

/** `sl_scheduled_date` as the generated runtime parses it (`%Y-%m-%dT%H:%M:%S%z`). */
export function scheduledDateTag(iso: string): string {
  return `${iso.slice(0, 19)}+0000`;
}

/** One run per combination, submitted in concurrent batches through `launchMultipleRuns`. */
export function dagsterRunsTarget(
  client: DagsterClient,
  job: DagsterJob,
  file: BackfillFile,
): BackfillTarget {
  const name = file.tags.name;
  const partitionSet = job.partitionSets[0];
  const dateDimensions = file.tags.partitions.filter((p) => "start_date" in p).length;
  const tagsOf = (run: PartitionRun): Record<string, string> => ({
    [BACKFILL_TAG]: name,
    [PARTITION_TAG]: run.key,
    ...Object.fromEntries(
      Object.entries(run.values).map(([dim, value]) => [`dagster/partition/${dim}`, value]),
    ),
    // A partitioned job needs Dagster's own partition tags to run the right partition.
    ...(partitionSet
      ? {
          "dagster/partition": dagsterPartitionKey(run.values),
          "dagster/partition_set": partitionSet,
        }
      : {}),
    // Our generated jobs take the scheduled date of their Starlake commands from this tag.
    ...(dateDimensions === 1 && run.day ? { [DAY_TAG]: run.day } : {}),
    ...(dateDimensions === 1 && run.date && !run.day
      ? { [SCHEDULED_DATE_TAG]: scheduledDateTag(run.date) }
      : {}),
  });
  const ours = async (): Promise<RemoteRun[]> =>
    (await client.runsByTags({ [BACKFILL_TAG]: name }))
      .filter((r) => r.jobName === job.job && r.tags[PARTITION_TAG] !== undefined)
      .map((r) => ({
        key: r.tags[PARTITION_TAG] ?? "",
        ref: r.runId,
        state: dagsterState(r.status),
      }));
  return {
    description: `dagster job ${job.job} (code location ${job.location})`,
    native: false,
    submitted: ours,
    async submit(runs) {
      const answers = await launchInBatches(
        client,
        runs.map((run) => ({
          job,
          tags: tagsOf(run),
          ...(file.run_config ? { runConfig: file.run_config } : {}),
          ...(file.assets ? { assets: file.assets.map((a) => a.split("/")) } : {}),
        })),
      );
      return answers.map((a, i) =>
        typeof a === "string" ? { key: runs[i]?.key ?? "", ref: a, state: "queued" as const } : a,
      );
    },
    async poll() {
      return { runs: await ours(), settled: true };
    },
  };
}

/**
 * Launches every request, LAUNCH_BATCH per request and LAUNCHES_IN_FLIGHT requests at once; the
 * answers come back in the order of the requests. A request that fails (the server unreachable,
 * a time limit) stops further requests and is thrown once those in flight have answered: its runs
 * may exist, so they are left for the next invocation to find by tag, never launched again here.
 */
export async function launchInBatches(
  client: DagsterClient,
  requests: readonly LaunchRequest[],
): Promise<(string | RemoteError)[]> {
  const answers: (string | RemoteError)[] = new Array(requests.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < requests.length) {
      const start = next;
      next += LAUNCH_BATCH;
      try {
        const batch = await client.launchRuns(requests.slice(start, start + LAUNCH_BATCH));
        batch.forEach((answer, i) => {
          answers[start + i] = answer;
        });
      } catch (e) {
        failure ??= e;
      }
    }
  };
  const workers = Math.min(LAUNCHES_IN_FLIGHT, Math.ceil(requests.length / LAUNCH_BATCH));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
  return answers;
}

/** Dagster's own partition backfill of a partitioned job, over the combinations' keys. */
export function dagsterNativeTarget(
  client: DagsterClient,
  job: DagsterJob,
  file: BackfillFile,
  plan: readonly PartitionRun[],
): BackfillTarget {
  const partitionSet = job.partitionSets[0];
  if (partitionSet === undefined)
    throw serverError(
      client.endpoint,
      `job ${job.job} has no partitions, so it has no native backfill: set native: false`,
    );
  const title = `slo:${file.tags.name}`;
  const keyOf = new Map(plan.map((run) => [dagsterPartitionKey(run.values), run.key]));
  let backfillId: string | undefined;
  const runsOf = (runs: readonly DagsterRun[]): RemoteRun[] =>
    runs.map((r) => ({
      key: keyOf.get(r.tags["dagster/partition"] ?? "") ?? r.tags["dagster/partition"] ?? r.runId,
      ref: r.runId,
      state: dagsterState(r.status),
    }));
  return {
    description: `dagster backfill of job ${job.job} (code location ${job.location})`,
    native: true,
    async submitted() {
      const found = (await client.backfillsTitled(title))[0];
      if (found === undefined) return [];
      backfillId = found.id;
      return runsOf((await client.backfill(found.id)).runs);
    },
    async submit(runs) {
      backfillId = await client.launchBackfill(
        job,
        partitionSet,
        [...new Set(runs.map((r) => dagsterPartitionKey(r.values)))],
        { [BACKFILL_TAG]: file.tags.name },
        title,
      );
      return [];
    },
    async poll() {
      if (backfillId === undefined) return { runs: [], settled: false };
      const b = await client.backfill(backfillId);
      if (b.status === "FAILED" && b.error)
        throw serverError(client.endpoint, `backfill ${b.id} failed: ${b.error}`);
      const settled = !["REQUESTED", "CANCELING"].includes(b.status);
      return { runs: runsOf(b.runs), settled };
    },
  };
}
