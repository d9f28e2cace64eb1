import type { IncomingMessage } from "node:http";

/**
 * Minimal in-memory Airflow 3 (REST v2) and Dagster (GraphQL) servers, enough for `slo trigger`,
 * `status` and `backfill` to succeed: each answer is plain data ({status, body}) so a fuzz test
 * can answer it as is, mutate it, or answer something else. Runs succeed as soon as created.
 * `decor` is added to every name the server makes up (run ids, task ids, dates, code location),
 * consistently, as a server with hostile names would.
 */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export interface FakeOrchestrator {
  readonly kind: "airflow" | "dagster";
  /** The pipeline (DAG or job) it knows. */
  readonly pipeline: string;
  /** A run that exists from the start, as `slo status` names it. */
  readonly existingRef: string;
  /** True for requests that list runs page by page (where endless pages can be served). */
  isListing(req: IncomingMessage, body: string): boolean;
  /** An endless page of fresh runs (or always the same ones) for a listing request. */
  endlessPage(req: IncomingMessage, body: string, fresh: boolean): Reply;
  reply(req: IncomingMessage, body: string): Reply;
}

const not = (status: number, detail: string): Reply => ({ status, body: { detail } });

export function fakeAirflow(dagId = "d", decor = ""): FakeOrchestrator {
  const runs: Record<string, unknown>[] = [];
  const run = (id: string, conf: unknown = {}) => {
    const r = {
      dag_id: dagId,
      dag_run_id: id,
      state: "success",
      logical_date: null,
      start_date: `2024-01-01T00:00:00Z${decor}`,
      end_date: `2024-01-01T00:01:00Z${decor}`,
      conf,
    };
    runs.push(r);
    return r;
  };
  run("r0");
  let pageNo = 0;
  return {
    kind: "airflow",
    pipeline: dagId,
    existingRef: `${dagId}/r0`,
    isListing: (req) => (req.url ?? "").includes("/dagRuns?"),
    endlessPage(_req, _body, fresh) {
      pageNo++;
      const page = Array.from({ length: 100 }, (_, i) => ({
        dag_id: dagId,
        dag_run_id: fresh ? `slo__page${pageNo}-${i}` : `slo__same-${i}`,
        state: "running",
      }));
      return { status: 200, body: { dag_runs: page, total_entries: 1e9 } };
    },
    reply(req, body) {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.replace(/^\/moved/, "");
      if (path === "/auth/token") return { status: 201, body: { access_token: "jwt-ok" } };
      const parts = path.split("/").map(decodeURIComponent); // ["", api, v2, dags, d, dagRuns, id, taskInstances]
      if (parts[1] !== "api" || parts[3] !== "dags") return not(404, "no such route");
      if (parts[4] !== dagId) return not(404, `DAG ${parts[4]} not found`);
      if (parts.length === 5) return { status: 200, body: { dag_id: dagId, is_paused: false } };
      if (parts.length === 6 && req.method === "POST") {
        const asked = JSON.parse(body || "{}") as { dag_run_id?: string; conf?: unknown };
        const id = asked.dag_run_id ?? `manual__${runs.length}${decor}`;
        if (runs.some((r) => r.dag_run_id === id)) return not(409, "exists");
        return { status: 200, body: run(id, asked.conf) };
      }
      if (parts.length === 6) {
        const prefix = url.searchParams.get("run_id_prefix_pattern") ?? "";
        const offset = Number(url.searchParams.get("offset") ?? 0);
        const limit = Number(url.searchParams.get("limit") ?? 100);
        const all = runs.filter((r) => String(r.dag_run_id).startsWith(prefix));
        return {
          status: 200,
          body: { dag_runs: all.slice(offset, offset + limit), total_entries: all.length },
        };
      }
      const found = runs.find((r) => r.dag_run_id === parts[6]);
      if (!found) return not(404, "DAG run not found");
      if (parts[7] === "taskInstances")
        return {
          status: 200,
          body: {
            task_instances: [{ task_id: `load${decor}`, state: "success", try_number: 1 }],
            total_entries: 1,
          },
        };
      return { status: 200, body: found };
    },
  };
}

interface Vars {
  runId?: string;
  cursor?: string;
  limit?: number;
  filter?: { tags?: { key: string; value: string }[] };
  params?: Launch;
  list?: Launch[];
}
interface Launch {
  selector: { jobName: string };
  executionMetadata: { tags: { key: string; value: string }[] };
}

export function fakeDagster(job = "job1", decor = ""): FakeOrchestrator {
  const runs: Record<string, unknown>[] = [];
  const run = (tags: { key: string; value: string }[]) => {
    const r = {
      __typename: "Run",
      runId: runs.length === 0 ? "run-0" : `run-${runs.length}${decor}`,
      status: "SUCCESS",
      jobName: job,
      tags,
      startTime: 1_700_000_000,
      endTime: 1_700_000_060,
    };
    runs.unshift(r); // newest first, as Dagster lists them
    return r;
  };
  run([]);
  (runs[0] as { jobName: string }).jobName = `${job}${decor}`; // only `slo status` shows it
  const launch = (p: Launch) =>
    p.selector.jobName === job
      ? { __typename: "LaunchRunSuccess", run: { runId: run(p.executionMetadata.tags).runId } }
      : { __typename: "PipelineNotFoundError", message: `no ${p.selector.jobName}` };
  const operation = (body: string) => {
    const parsed = JSON.parse(body || "{}") as { query?: string; variables?: Vars };
    return {
      name: /(?:query|mutation) (\w+)/.exec(parsed.query ?? "")?.[1] ?? "",
      vars: parsed.variables ?? {},
    };
  };
  let pageNo = 0;
  return {
    kind: "dagster",
    pipeline: job,
    existingRef: "run-0",
    isListing: (_req, body) => operation(body).name === "SloRuns",
    endlessPage(_req, _body, fresh) {
      pageNo++;
      const results = Array.from({ length: 500 }, (_, i) => ({
        __typename: "Run",
        runId: fresh ? `page${pageNo}-${i}` : `same-${i}`,
        status: "STARTED",
        jobName: job,
        tags: [],
        startTime: null,
        endTime: null,
      }));
      return { status: 200, body: { data: { runsOrError: { __typename: "Runs", results } } } };
    },
    reply(req, body) {
      if (!(req.url ?? "").endsWith("/graphql")) return not(404, "no such route");
      const { name, vars } = operation(body);
      const data = (value: Record<string, unknown>): Reply => ({
        status: 200,
        body: { data: value },
      });
      switch (name) {
        case "SloRepositories":
          return data({
            repositoriesOrError: {
              __typename: "RepositoryConnection",
              nodes: [
                {
                  name: "__repository__",
                  location: { name: `defs.py${decor}` },
                  jobs: [{ name: job }],
                  partitionSets: [],
                },
              ],
            },
          });
        case "SloLaunchRun":
          return data({ launchRun: vars.params ? launch(vars.params) : null });
        case "SloLaunchRuns":
          return data({
            launchMultipleRuns: {
              __typename: "LaunchMultipleRunsResult",
              launchMultipleRunsResult: (vars.list ?? []).map(launch),
            },
          });
        case "SloRun": {
          const found = runs.find((r) => r.runId === vars.runId);
          return data({
            runOrError: found ?? { __typename: "RunNotFoundError", message: "not found" },
          });
        }
        case "SloRuns": {
          const wanted = vars.filter?.tags ?? [];
          const all = runs.filter((r) =>
            wanted.every((w) =>
              (r.tags as { key: string; value: string }[]).some(
                (t) => t.key === w.key && t.value === w.value,
              ),
            ),
          );
          const start = vars.cursor ? all.findIndex((r) => r.runId === vars.cursor) + 1 : 0;
          const results = all.slice(start, start + (vars.limit ?? 500));
          return data({ runsOrError: { __typename: "Runs", results } });
        }
        default:
          return { status: 400, body: { errors: [{ message: `unknown operation ${name}` }] } };
      }
    },
  };
}
