import { print } from "@0no-co/graphql.web";
import type { TadaDocumentNode } from "gql.tada";
import { RemoteError } from "../../errors.js";
import { type Endpoint, firstLine, redact, send } from "../http.js";
import {
  BACKFILL,
  BACKFILLS_BY_TITLE,
  CANCEL_BACKFILL,
  LAUNCH_BACKFILL,
  LAUNCH_RUN,
  LAUNCH_RUNS,
  LOCATION_STATUSES,
  RELOAD,
  REPOSITORIES,
  RUN,
  RUNS,
  TERMINATE,
} from "./documents.js";

/**
 * A typed client of Dagster's GraphQL API (webserver `/graphql`). Documents are checked against the
 * server's own schema (src/remote/dagster/schema.graphql, see scripts/remote-types.sh), and every
 * result union is answered: the success branch is returned, every other branch (PythonError,
 * not-found, conflicts, and typenames this version does not know) becomes one RemoteError line.
 */

export interface DagsterRun {
  readonly runId: string;
  readonly status: string;
  readonly jobName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly startTime: number | null;
  readonly endTime: number | null;
}

export interface JobAddress {
  readonly location: string;
  readonly repository: string;
  readonly job: string;
}

export interface DagsterJob extends JobAddress {
  /** Partition sets of the job (a partitioned job has `<job>_partition_set`). */
  readonly partitionSets: readonly string[];
}

export interface LaunchRequest {
  readonly job: JobAddress;
  readonly tags: Readonly<Record<string, string>>;
  readonly runConfig?: Record<string, unknown>;
  /** Asset keys (paths) to materialise; with the implicit `__ASSET_JOB`. */
  readonly assets?: readonly (readonly string[])[];
}

export interface DagsterBackfill {
  readonly id: string;
  readonly status: string;
  readonly numPartitions: number | null;
  readonly runs: readonly DagsterRun[];
  readonly error: string | null;
}

type Tagged = { readonly __typename: string; readonly message?: string };

export class DagsterClient {
  readonly endpoint: Endpoint;
  private readonly headers: Record<string, string>;

  /** `token` is a Dagster+ user token; open-source Dagster has no authentication. */
  constructor(endpoint: Endpoint, token?: string) {
    this.endpoint = endpoint;
    this.headers = token ? { "Dagster-Cloud-Api-Token": token } : {};
  }

  /** Launches one run and returns its id. */
  async launchRun(request: LaunchRequest): Promise<string> {
    const data = await this.call(LAUNCH_RUN, { params: executionParams(request) }, false);
    return launched(data.launchRun, request.job.job);
  }

  /**
   * Launches several runs in one request. Each answer is returned in order: a run id, or the
   * error line of that launch (one bad launch does not hide the others that succeeded).
   */
  async launchRuns(requests: readonly LaunchRequest[]): Promise<(string | RemoteError)[]> {
    const data = await this.call(LAUNCH_RUNS, { list: requests.map(executionParams) }, false);
    const result = data.launchMultipleRuns;
    if (result.__typename !== "LaunchMultipleRunsResult")
      throw this.unexpected("launchMultipleRuns", result);
    return result.launchMultipleRunsResult.map((r, i) => {
      try {
        return launched(r, requests[i]?.job.job ?? "?");
      } catch (e) {
        return e as RemoteError;
      }
    });
  }

  async run(runId: string): Promise<DagsterRun> {
    const { runOrError } = await this.call(RUN, { runId }, true);
    if (runOrError.__typename === "Run") return toRun(runOrError);
    if (runOrError.__typename === "RunNotFoundError")
      throw this.error(`no run ${runId} on this server`);
    throw this.unexpected("runOrError", runOrError);
  }

  /** Every run carrying all these tags, newest first (pages through the whole list). */
  async runsByTags(tags: Readonly<Record<string, string>>, runIds?: string[]) {
    const filter = {
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      ...(runIds ? { runIds } : {}),
    };
    const runs: DagsterRun[] = [];
    let cursor: string | undefined;
    for (;;) {
      const { runsOrError } = await this.call(RUNS, { filter, cursor, limit: 500 }, true);
      if (runsOrError.__typename !== "Runs") throw this.unexpected("runsOrError", runsOrError);
      runs.push(...runsOrError.results.map(toRun));
      if (runsOrError.results.length < 500) return runs;
      cursor = runs[runs.length - 1]?.runId;
    }
  }

  async terminate(runId: string): Promise<void> {
    const { terminateRun } = await this.call(TERMINATE, { runId }, false);
    if (terminateRun.__typename !== "TerminateRunSuccess")
      throw this.unexpected("terminateRun", terminateRun);
  }

  /** The jobs of every loaded code location. */
  async jobs(): Promise<DagsterJob[]> {
    const { repositoriesOrError } = await this.call(REPOSITORIES, {}, true);
    if (repositoriesOrError.__typename !== "RepositoryConnection")
      throw this.unexpected("repositoriesOrError", repositoriesOrError);
    return repositoriesOrError.nodes.flatMap((repo) =>
      repo.jobs.map((job) => ({
        location: repo.location.name,
        repository: repo.name,
        job: job.name,
        partitionSets: repo.partitionSets
          .filter((p) => p.pipelineName === job.name)
          .map((p) => p.name),
      })),
    );
  }

  /** Load state of each code location: LOADING, LOADED. */
  async locationStatuses(): Promise<{ name: string; loadStatus: string }[]> {
    const { locationStatusesOrError: r } = await this.call(LOCATION_STATUSES, {}, true);
    if (r.__typename !== "WorkspaceLocationStatusEntries")
      throw this.unexpected("locationStatusesOrError", r);
    return r.entries.map((e) => ({ name: e.name, loadStatus: e.loadStatus }));
  }

  /** Reloads a code location (picks up regenerated definitions); a load error is an error. */
  async reloadLocation(location: string): Promise<void> {
    const { reloadRepositoryLocation: r } = await this.call(RELOAD, { location }, true);
    if (r.__typename !== "WorkspaceLocationEntry")
      throw this.unexpected("reloadRepositoryLocation", r);
    const loaded = r.locationOrLoadError;
    if (loaded?.__typename === "PythonError")
      throw this.error(`code location ${location} failed to load: ${firstLine(loaded.message)}`);
  }

  /** Starts Dagster's own backfill of a partitioned job over partition keys; returns its id. */
  async launchBackfill(
    job: JobAddress,
    partitionSet: string,
    partitionNames: readonly string[],
    tags: Readonly<Record<string, string>>,
    title: string,
  ): Promise<string> {
    const params = {
      selector: {
        partitionSetName: partitionSet,
        repositorySelector: {
          repositoryLocationName: job.location,
          repositoryName: job.repository,
        },
      },
      partitionNames: [...partitionNames],
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      title,
    };
    const { launchPartitionBackfill: r } = await this.call(LAUNCH_BACKFILL, { params }, false);
    if (r.__typename === "LaunchBackfillSuccess") return r.backfillId;
    throw this.unexpected("launchPartitionBackfill", r, `backfill of ${job.job}`);
  }

  async backfill(id: string): Promise<DagsterBackfill> {
    const { partitionBackfillOrError: r } = await this.call(BACKFILL, { id }, true);
    if (r.__typename !== "PartitionBackfill") throw this.unexpected("partitionBackfillOrError", r);
    return {
      id: r.id,
      status: r.status,
      numPartitions: r.numPartitions,
      runs: r.runs.map(toRun),
      error: r.error ? firstLine(r.error.message) : null,
    };
  }

  /** The backfills with this title (how a resumed `slo backfill` finds the one it launched). */
  async backfillsTitled(title: string): Promise<{ id: string; status: string }[]> {
    const found: { id: string; status: string }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const { partitionBackfillsOrError: r } = await this.call(
        BACKFILLS_BY_TITLE,
        { cursor },
        true,
      );
      if (r.__typename !== "PartitionBackfills")
        throw this.unexpected("partitionBackfillsOrError", r);
      for (const b of r.results) if (b.title === title) found.push({ id: b.id, status: b.status });
      if (r.results.length < 100) return found;
      cursor = r.results[r.results.length - 1]?.id;
    }
  }

  async cancelBackfill(id: string): Promise<void> {
    const { cancelPartitionBackfill: r } = await this.call(CANCEL_BACKFILL, { id }, false);
    if (r.__typename !== "CancelBackfillSuccess")
      throw this.unexpected("cancelPartitionBackfill", r);
  }

  /** Posts one GraphQL document; transport and top-level GraphQL errors become RemoteErrors. */
  private async call<R, V>(
    document: TadaDocumentNode<R, V>,
    variables: V,
    idempotent: boolean,
  ): Promise<R> {
    const response = await send(this.endpoint, {
      method: "POST",
      path: "/graphql",
      headers: this.headers,
      body: { query: print(document), variables },
      idempotent,
    });
    const body = response.body as { data?: R; errors?: { message: string }[] } | undefined;
    if (response.status === 401 || response.status === 403)
      throw this.error(`not authorised (HTTP ${response.status}): check the profile's token`);
    if (body?.errors?.length)
      throw this.error(`GraphQL error: ${firstLine(body.errors[0]?.message ?? "")}`);
    if (response.status >= 400 || body?.data === undefined)
      throw this.error(
        `HTTP ${response.status} from /graphql: ${firstLine(response.text) || "no answer"}`,
      );
    return body.data;
  }

  private error(words: string): RemoteError {
    return new RemoteError(
      redact(`${this.endpoint.kind} at ${this.endpoint.baseUrl}: ${words}`, this.endpoint.secrets),
    );
  }

  /** Every branch of a result union but the expected one, in one line. */
  private unexpected(field: string, result: Tagged, what = field): RemoteError {
    return this.error(describeBranch(what, result));
  }
}

function describeBranch(what: string, result: Tagged & { errors?: { message: string }[] }) {
  const detail =
    result.message ?? result.errors?.map((e) => e.message).join("; ") ?? "(no message)";
  switch (result.__typename) {
    case "PythonError":
      return `${what}: the server failed: ${firstLine(detail)}`;
    case "UnauthorizedError":
      return `${what}: not authorised: ${firstLine(detail)}`;
    default:
      return `${what}: ${result.__typename}: ${firstLine(detail)}`;
  }
}

function launched(
  result: Tagged & { run?: { runId: string }; errors?: { message: string }[] },
  job: string,
): string {
  if (result.__typename === "LaunchRunSuccess" && result.run) return result.run.runId;
  if (result.__typename === "PipelineNotFoundError")
    throw new RemoteError(
      `dagster: no job ${job} in the named code location (see slo status --jobs)`,
    );
  throw new RemoteError(describeBranch(`launch of ${job}`, result));
}

function executionParams(request: LaunchRequest) {
  return {
    selector: {
      repositoryLocationName: request.job.location,
      repositoryName: request.job.repository,
      jobName: request.job.job,
      ...(request.assets
        ? { assetSelection: request.assets.map((path) => ({ path: [...path] })) }
        : {}),
    },
    runConfigData: request.runConfig ?? {},
    executionMetadata: {
      tags: Object.entries(request.tags).map(([key, value]) => ({ key, value })),
    },
  };
}

function toRun(r: {
  runId: string;
  status: string;
  jobName: string;
  tags: readonly { key: string; value: string }[];
  startTime: number | null;
  endTime: number | null;
}): DagsterRun {
  return {
    runId: r.runId,
    status: r.status,
    jobName: r.jobName,
    tags: Object.fromEntries(r.tags.map((t) => [t.key, t.value])),
    startTime: r.startTime,
    endTime: r.endTime,
  };
}
