import type { z } from "zod";
import type { RemoteError } from "../../errors.js";
import { answerShape } from "../answer-shape.js";
import { type Endpoint, firstLine, type HttpResponse, send, serverError } from "../http.js";
import { PageGuard } from "../pages.js";
import type { AssetEvent, Backfill, DagRun, ImportError, TaskInstance } from "./airflow-answers.js";
import * as answers from "./airflow-answers.js";
import type { components as Auth } from "./auth-v2.js";
import type { components } from "./rest-v2.js";

/**
 * A typed client of Airflow 3's public REST API (`/api/v2`), with bodies and answers typed from
 * the server's own OpenAPI files (src/remote/airflow/*-v2.ts, see scripts/remote-types.sh).
 * Answers are checked against the shapes of airflow-answers.ts before they are read.
 * Authentication: a JWT from `POST /auth/token` (username and password), fetched on first use and
 * again when the server answers 401; or a token given as is.
 */

type Schemas = components["schemas"];

export type { AssetEvent, Backfill, DagRun, ImportError, TaskInstance };

export type AirflowCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly token: string }
  | undefined;

export class AirflowClient {
  readonly endpoint: Endpoint;
  private readonly credentials: AirflowCredentials;
  private token: string | undefined;

  constructor(endpoint: Endpoint, credentials: AirflowCredentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    if (credentials && "token" in credentials) this.token = credentials.token;
  }

  /** Starts a run; `runId` makes it idempotent (a second trigger finds the first run). */
  async trigger(
    dagId: string,
    body: {
      logicalDate: string | null;
      runAfter?: string;
      conf?: Record<string, unknown>;
      runId?: string;
    },
  ): Promise<DagRun> {
    const payload: Schemas["TriggerDAGRunPostBody"] = {
      logical_date: body.logicalDate,
      conf: body.conf ?? {},
      ...(body.runAfter ? { run_after: body.runAfter } : {}),
      ...(body.runId ? { dag_run_id: body.runId } : {}),
    };
    const path = `/api/v2/dags/${enc(dagId)}/dagRuns`;
    const r = await this.call("POST", path, payload, body.runId !== undefined);
    if (r.status === 409 && body.runId) {
      // Our run id already exists (a retry, a resumed backfill): that run is the answer. A 409
      // for another reason (a run with this logical date) is the server's to explain.
      const again = `${path}/${enc(body.runId)}`;
      const existing = await this.call("GET", again);
      if (existing.status === 200)
        return this.expect(existing, answers.dagRun, "a DAG run", `run ${body.runId}`);
    }
    return this.expect(r, answers.dagRun, "a DAG run", `trigger of DAG ${dagId}`);
  }

  async run(dagId: string, runId: string): Promise<DagRun> {
    const r = await this.call("GET", `/api/v2/dags/${enc(dagId)}/dagRuns/${enc(runId)}`);
    return this.expect(r, answers.dagRun, "a DAG run", `run ${runId} of DAG ${dagId}`);
  }

  /** Runs of one DAG (or of every DAG with `~`) whose id starts with a prefix. */
  runsWithPrefix(dagId: string, prefix: string): Promise<DagRun[]> {
    return this.runsWhere(dagId, `run_id_prefix_pattern=${enc(prefix)}`);
  }

  /** The backfill runs of a DAG whose logical date lies in [from, to] (ISO instants). */
  backfillRuns(dagId: string, from: string, to: string): Promise<DagRun[]> {
    return this.runsWhere(
      dagId,
      `run_type=backfill&logical_date_gte=${enc(from)}&logical_date_lte=${enc(to)}`,
    );
  }

  /** Every page of a filtered run listing. */
  private async runsWhere(dagId: string, filter: string): Promise<DagRun[]> {
    const runs: DagRun[] = [];
    const guard = new PageGuard<DagRun>(`runs of ${dagId}`, (r) => r.dag_run_id, this.failure);
    for (let offset = 0; ; ) {
      const query = `${filter}&limit=100&offset=${offset}&order_by=id`;
      const r = await this.call("GET", `/api/v2/dags/${enc(dagId)}/dagRuns?${query}`);
      const page = this.expect(r, answers.dagRunPage, "a page of DAG runs", `runs of ${dagId}`);
      runs.push(...guard.page(page.dag_runs));
      offset += page.dag_runs.length;
      if (page.dag_runs.length === 0 || offset >= (page.total_entries ?? 0)) return runs;
    }
  }

  async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    const path = `/api/v2/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances?limit=1000`;
    const r = await this.call("GET", path);
    return this.expect(r, answers.taskInstancePage, "task instances", `tasks of ${runId}`)
      .task_instances;
  }

  async setPaused(dagId: string, paused: boolean): Promise<void> {
    const body: Schemas["DAGPatchBody"] = { is_paused: paused };
    const r = await this.call("PATCH", `/api/v2/dags/${enc(dagId)}`, body, true);
    this.expect(r, answers.dag, "a DAG", `${paused ? "pause" : "unpause"} of DAG ${dagId}`);
  }

  async dag(dagId: string): Promise<z.output<typeof answers.dag>> {
    const r = await this.call("GET", `/api/v2/dags/${enc(dagId)}`);
    return this.expect(r, answers.dag, "a DAG", `DAG ${dagId}`);
  }

  async createBackfill(body: {
    dagId: string;
    from: string;
    to: string;
    conf?: Record<string, unknown>;
    maxActiveRuns: number;
  }): Promise<Backfill> {
    const payload: Schemas["BackfillPostBody"] = {
      dag_id: body.dagId,
      from_date: body.from,
      to_date: body.to,
      run_backwards: false,
      dag_run_conf: body.conf ?? {},
      reprocess_behavior: "none",
      max_active_runs: body.maxActiveRuns,
    };
    const r = await this.call("POST", "/api/v2/backfills", payload, false);
    return this.expect(r, answers.backfill, "a backfill", `backfill of DAG ${body.dagId}`);
  }

  async backfill(id: number): Promise<Backfill> {
    const r = await this.call("GET", `/api/v2/backfills/${id}`);
    return this.expect(r, answers.backfill, "a backfill", `backfill ${id}`);
  }

  async backfills(dagId: string): Promise<Backfill[]> {
    const r = await this.call("GET", `/api/v2/backfills?dag_id=${enc(dagId)}&limit=100`);
    return this.expect(r, answers.backfillPage, "backfills", `backfills of ${dagId}`).backfills;
  }

  async cancelBackfill(id: number): Promise<Backfill> {
    const r = await this.call("PUT", `/api/v2/backfills/${id}/cancel`, undefined, true);
    return this.expect(r, answers.backfill, "a backfill", `cancel of backfill ${id}`);
  }

  async importErrors(): Promise<ImportError[]> {
    const r = await this.call("GET", "/api/v2/importErrors?limit=100");
    return this.expect(r, answers.importErrorPage, "import errors", "import errors").import_errors;
  }

  /** Events of an asset (by URI), newest first. */
  async assetEvents(uri: string): Promise<AssetEvent[]> {
    const assets = await this.call("GET", `/api/v2/assets?uri_pattern=${enc(uri)}&limit=100`);
    const found = this.expect(assets, answers.assetPage, "assets", "assets");
    const asset = found.assets.find((a) => a.uri === uri);
    if (!asset) throw this.error(`no asset ${uri} on this server`);
    const r = await this.call(
      "GET",
      `/api/v2/assets/events?asset_id=${asset.id}&order_by=-timestamp&limit=100`,
    );
    return this.expect(r, answers.assetEventPage, "asset events", `events of ${uri}`).asset_events;
  }

  /** Sends one request with the bearer token; a 401 fetches a new token once. */
  private async call(
    method: "GET" | "POST" | "PATCH" | "PUT",
    path: string,
    body?: unknown,
    idempotent = method === "GET",
  ): Promise<HttpResponse> {
    for (let fresh = this.token === undefined; ; fresh = true) {
      if (this.token === undefined) this.token = await this.login();
      const headers = this.token ? { authorization: `Bearer ${this.token}` } : undefined;
      const r = await send(this.endpoint, { method, path, body, idempotent, headers });
      const canLogin = this.credentials !== undefined && !("token" in this.credentials);
      if (r.status !== 401 || fresh || !canLogin) return r;
      this.token = undefined; // expired: log in again, once
    }
  }

  /** A JWT for the profile's user; without credentials, the server must allow anonymous admins. */
  private async login(): Promise<string> {
    if (this.credentials && "token" in this.credentials) return this.credentials.token;
    if (!this.credentials) {
      const r = await send(this.endpoint, { method: "GET", path: "/auth/token", idempotent: true });
      if (r.status === 200 || r.status === 201)
        return this.shaped(r, answers.login, "a token", "login").access_token;
      throw this.error(
        "the server needs credentials: set username_env/password_env or token_env in the profile",
      );
    }
    const body: Auth["schemas"]["LoginBody"] = {
      username: this.credentials.username,
      password: this.credentials.password,
    };
    const r = await send(this.endpoint, {
      method: "POST",
      path: "/auth/token",
      body,
      idempotent: true,
    });
    if (r.status === 201 || r.status === 200)
      return this.shaped(r, answers.login, "a token", "login").access_token;
    if (r.status === 401 || r.status === 403 || r.status === 422)
      throw this.error("login refused: check the profile's username and password");
    throw this.error(`login failed: HTTP ${r.status}: ${detail(r)}`);
  }

  /** The answer of a request that succeeds with 200, in the shape we rely on. */
  private expect<S extends z.ZodType>(
    r: HttpResponse,
    schema: S,
    expected: string,
    what: string,
  ): z.output<S> {
    if (r.status === 200) return this.shaped(r, schema, expected, what);
    if (r.status === 401 || r.status === 403)
      throw this.error(`${what}: not authorised (HTTP ${r.status})`);
    if (r.status === 404) throw this.error(`${what}: not found (${detail(r)})`);
    if (r.status === 409) throw this.error(`${what}: conflict: ${detail(r)}`);
    throw this.error(`${what}: HTTP ${r.status}: ${detail(r)}`);
  }

  private shaped<S extends z.ZodType>(
    r: HttpResponse,
    schema: S,
    expected: string,
    what: string,
  ): z.output<S> {
    const shape = answerShape(schema, r, expected);
    if (shape.ok) return shape.value;
    throw this.error(`${what} (${r.request}): HTTP ${r.status}, but ${shape.words}`);
  }

  private readonly failure = (words: string) => this.error(words);

  private error(words: string): RemoteError {
    const secrets = [...this.endpoint.secrets, ...(this.token ? [this.token] : [])];
    return serverError({ ...this.endpoint, secrets }, words);
  }
}

const enc = encodeURIComponent;

/** FastAPI puts its reason in `detail`: a string, or a list of validation problems. */
function detail(r: HttpResponse): string {
  const d = (r.body as { detail?: unknown } | null | undefined)?.detail;
  if (typeof d === "string") return firstLine(d);
  // Read defensively: the list is the server's, whatever it holds.
  if (Array.isArray(d))
    return firstLine(
      d
        .map((p) => {
          const { loc, msg } = (p ?? {}) as { loc?: unknown; msg?: unknown };
          return `${Array.isArray(loc) ? loc.map(String).join(".") : ""}: ${String(msg ?? "")}`;
        })
        .join("; "),
    );
  return firstLine(r.text) || "no answer";
}
