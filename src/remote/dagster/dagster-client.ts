import { print } from "@0no-co/graphql.web";
import type { TadaDocumentNode } from "gql.tada";
import { z } from "zod";
import type { RemoteError } from "../../errors.js";
import { printable } from "../../pipeline/printable.js";
import { answerShape } from "../answer-shape.js";
import { type Endpoint, firstLine, send, serverError } from "../http.js";
import { PageGuard } from "../pages.js";
import {
  answers,
  graphqlEnvelope,
  type LaunchResult,
  type OtherBranch,
  type RunFields,
} from "./dagster-answers.js";
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
 * server's own schema (src/remote/dagster/schema.graphql, see scripts/remote-types.sh), answers
 * against the shapes of dagster-answers.ts, and every result union is answered: the success
 * branch is returned, every other branch (PythonError, not-found, conflicts, and typenames this
 * version does not know) becomes one RemoteError line.
 */

type BackfillSummary = { id: string; title: string | null; status: string };

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
    const data = await this.call(
      LAUNCH_RUN,
      { params: executionParams(request) },
      false,
      answers.launchRun,
    );
    const answer = launched(data.launchRun, request.job.job);
    if ("refused" in answer) throw this.error(answer.refused);
    return answer.runId;
  }

  /**
   * Launches several runs in one request. Each answer is returned in order: a run id, or the
   * error line of that launch (one bad launch does not hide the others that succeeded).
   */
  async launchRuns(requests: readonly LaunchRequest[]): Promise<(string | RemoteError)[]> {
    const list = requests.map(executionParams);
    const data = await this.call(LAUNCH_RUNS, { list }, false, answers.launchRuns);
    const result = data.launchMultipleRuns;
    if (!result.ok) throw this.unexpected("launchMultipleRuns", result.other);
    const each = result.value.launchMultipleRunsResult;
    if (each.length !== requests.length)
      throw this.error(
        `launchMultipleRuns: ${each.length} answers to ${requests.length} launches: which runs exist is unknown; run the backfill again to find them by tag`,
      );
    return each.map((r, i) => {
      const answer = launched(r, requests[i]?.job.job ?? "?");
      return "refused" in answer ? this.error(answer.refused) : answer.runId;
    });
  }

  async run(runId: string): Promise<DagsterRun> {
    const { runOrError: r } = await this.call(RUN, { runId }, true, answers.run);
    if (r.ok) return toRun(r.value);
    if (r.other.__typename === "RunNotFoundError")
      throw this.error(`no run ${runId} on this server`);
    throw this.unexpected("runOrError", r.other);
  }

  /** Every run carrying all these tags, newest first (pages through the whole list). */
  async runsByTags(tags: Readonly<Record<string, string>>, runIds?: string[]) {
    const filter = {
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      ...(runIds ? { runIds } : {}),
    };
    const runs: DagsterRun[] = [];
    const guard = new PageGuard<RunFields>("runsOrError", (r) => r.runId, this.failure);
    let cursor: string | undefined;
    for (;;) {
      const { runsOrError: r } = await this.call(
        RUNS,
        { filter, cursor, limit: 500 },
        true,
        answers.runs,
      );
      if (!r.ok) throw this.unexpected("runsOrError", r.other);
      const page = r.value.results;
      cursor = page[page.length - 1]?.runId;
      runs.push(...guard.page(page, page.length < 500 ? undefined : cursor).map(toRun));
      if (page.length < 500) return runs;
    }
  }

  async terminate(runId: string): Promise<void> {
    const { terminateRun: r } = await this.call(TERMINATE, { runId }, false, answers.terminate);
    if (!r.ok) throw this.unexpected("terminateRun", r.other);
  }

  /** The jobs of every loaded code location. */
  async jobs(): Promise<DagsterJob[]> {
    const { repositoriesOrError: r } = await this.call(
      REPOSITORIES,
      {},
      true,
      answers.repositories,
    );
    if (!r.ok) throw this.unexpected("repositoriesOrError", r.other);
    return r.value.nodes.flatMap((repo) =>
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
    const { locationStatusesOrError: r } = await this.call(
      LOCATION_STATUSES,
      {},
      true,
      answers.locationStatuses,
    );
    if (!r.ok) throw this.unexpected("locationStatusesOrError", r.other);
    return r.value.entries.map((e) => ({ name: e.name, loadStatus: e.loadStatus }));
  }

  /** Reloads a code location (picks up regenerated definitions); a load error is an error. */
  async reloadLocation(location: string): Promise<void> {
    const { reloadRepositoryLocation: r } = await this.call(
      RELOAD,
      { location },
      true,
      answers.reload,
    );
    if (!r.ok) throw this.unexpected("reloadRepositoryLocation", r.other);
    const loaded = r.value.locationOrLoadError;
    if (loaded?.__typename === "PythonError")
      throw this.error(
        `code location ${location} failed to load: ${firstLine(loaded.message ?? "")}`,
      );
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
    const { launchPartitionBackfill: r } = await this.call(
      LAUNCH_BACKFILL,
      { params },
      false,
      answers.launchBackfill,
    );
    if (r.ok) return r.value.backfillId;
    throw this.unexpected("launchPartitionBackfill", r.other, `backfill of ${job.job}`);
  }

  async backfill(id: string): Promise<DagsterBackfill> {
    const { partitionBackfillOrError: r } = await this.call(
      BACKFILL,
      { id },
      true,
      answers.backfill,
    );
    if (!r.ok) throw this.unexpected("partitionBackfillOrError", r.other);
    return {
      id: r.value.id,
      status: r.value.status,
      numPartitions: r.value.numPartitions,
      runs: r.value.runs.map(toRun),
      error: r.value.error ? firstLine(r.value.error.message) : null,
    };
  }

  /** The backfills with this title (how a resumed `slo backfill` finds the one it launched). */
  async backfillsTitled(title: string): Promise<{ id: string; status: string }[]> {
    const found: { id: string; status: string }[] = [];
    const guard = new PageGuard<BackfillSummary>(
      "partitionBackfillsOrError",
      (b) => b.id,
      this.failure,
    );
    let cursor: string | undefined;
    for (;;) {
      const { partitionBackfillsOrError: r } = await this.call(
        BACKFILLS_BY_TITLE,
        { cursor },
        true,
        answers.backfills,
      );
      if (!r.ok) throw this.unexpected("partitionBackfillsOrError", r.other);
      const page = r.value.results;
      cursor = page[page.length - 1]?.id;
      for (const b of guard.page(page, page.length < 100 ? undefined : cursor))
        if (b.title === title) found.push({ id: b.id, status: b.status });
      if (page.length < 100) return found;
    }
  }

  async cancelBackfill(id: string): Promise<void> {
    const { cancelPartitionBackfill: r } = await this.call(
      CANCEL_BACKFILL,
      { id },
      false,
      answers.cancelBackfill,
    );
    if (!r.ok) throw this.unexpected("cancelPartitionBackfill", r.other);
  }

  /**
   * Posts one GraphQL document and checks its answer's shape; transport errors, top-level GraphQL
   * errors and answers of another shape become RemoteErrors.
   */
  private async call<R, V, S extends z.ZodObject>(
    document: TadaDocumentNode<R, V>,
    variables: V,
    idempotent: boolean,
    schema: S,
  ): Promise<z.output<S>> {
    const response = await send(this.endpoint, {
      method: "POST",
      path: "/graphql",
      headers: this.headers,
      body: { query: print(document), variables },
      idempotent,
    });
    const where = `POST /graphql (${Object.keys(schema.shape).join(", ")})`;
    if (response.status === 401 || response.status === 403)
      throw this.error(`not authorised (HTTP ${response.status}): check the profile's token`);
    const envelope = answerShape(graphqlEnvelope, response, "a GraphQL answer");
    const errors = envelope.ok ? envelope.value.errors : undefined;
    if (errors?.length) throw this.error(`GraphQL error: ${firstLine(errors[0]?.message ?? "")}`);
    if (response.status >= 400)
      throw this.error(
        `HTTP ${response.status} from /graphql: ${firstLine(response.text) || "no answer"}`,
      );
    if (!envelope.ok) throw this.error(`${where}: ${envelope.words}`);
    const data = answerShape(
      z.object({ data: schema }),
      { ...response, body: { data: envelope.value.data } },
      "the data asked for",
    );
    if (!data.ok) throw this.error(`${where}: ${data.words}`);
    return (data.value as { data: z.output<S> }).data;
  }

  private readonly failure = (words: string) => this.error(words);

  private error(words: string): RemoteError {
    return serverError(this.endpoint, words);
  }

  /** Every branch of a result union but the expected one, in one line. */
  private unexpected(field: string, result: OtherBranch, what = field): RemoteError {
    return this.error(describeBranch(what, result));
  }
}

function describeBranch(what: string, result: OtherBranch) {
  const detail =
    result.message ?? result.errors?.map((e) => e.message).join("; ") ?? "(no message)";
  switch (result.__typename) {
    case "PythonError":
      return `${what}: the server failed: ${firstLine(detail)}`;
    case "UnauthorizedError":
      return `${what}: not authorised: ${firstLine(detail)}`;
    default:
      return `${what}: ${printable(result.__typename)}: ${firstLine(detail)}`;
  }
}

/** The id of a launched run, or the words of why the server refused to launch it. */
function launched(result: LaunchResult, job: string): { runId: string } | { refused: string } {
  if (result.ok) return { runId: result.value.run.runId };
  if (result.other.__typename === "PipelineNotFoundError")
    return { refused: `no job ${job} in the named code location` };
  return { refused: describeBranch(`launch of ${job}`, result.other) };
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

function toRun(r: RunFields): DagsterRun {
  return {
    runId: r.runId,
    status: r.status,
    jobName: r.jobName,
    tags: Object.fromEntries(r.tags.map((t) => [t.key, t.value])),
    startTime: r.startTime,
    endTime: r.endTime,
  };
}
