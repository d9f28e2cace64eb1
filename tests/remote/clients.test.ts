import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AirflowClient } from "../../src/remote/airflow/airflow-client.js";
import { DagsterClient } from "../../src/remote/dagster/dagster-client.js";
import {
  LAUNCH_BATCH,
  LAUNCHES_IN_FLIGHT,
  launchInBatches,
} from "../../src/remote/dagster/dagster-targets.js";
import type { Endpoint } from "../../src/remote/http.js";

/**
 * Transport faults the real servers will not produce on demand (5xx, hangs, odd GraphQL
 * answers), from a scripted HTTP server on 127.0.0.1. The real servers are in tests/integration.
 */
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let url = "";
let script: Handler[] = [];
let seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const next = script.shift();
      if (next) next(req, body, res);
      else res.writeHead(500).end("script exhausted");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  script = [];
  seen = [];
});

const json =
  (status: number, value: unknown): Handler =>
  (_q, _b, res) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
const endpoint = (over: Partial<Endpoint> = {}): Endpoint => ({
  kind: "dagster",
  baseUrl: url,
  timeoutMs: 2000,
  retries: 3,
  backoffMs: 10,
  secrets: [],
  ...over,
});
const RUN = {
  __typename: "Run",
  runId: "r1",
  status: "SUCCESS",
  jobName: "j",
  tags: [{ key: "a", value: "b" }],
  startTime: 1,
  endTime: 2,
};

describe("transport", () => {
  it("retries 503 and 502 with back-off on a read, then answers", async () => {
    script = [json(503, {}), json(502, {}), json(200, { data: { runOrError: RUN } })];
    const run = await new DagsterClient(endpoint()).run("r1");
    expect(run).toMatchObject({ runId: "r1", status: "SUCCESS", tags: { a: "b" } });
    expect(seen).toHaveLength(3);
  });

  it("does not send a launch twice after a 500 (it may have been done), but does after a 503", async () => {
    script = [json(500, { detail: "boom" })];
    const job = { location: "l", repository: "__repository__", job: "j" };
    await expect(new DagsterClient(endpoint()).launchRun({ job, tags: {} })).rejects.toThrow(
      /HTTP 500/,
    );
    expect(seen).toHaveLength(1);
    script = [
      json(503, {}),
      json(200, { data: { launchRun: { __typename: "LaunchRunSuccess", run: { runId: "new" } } } }),
    ];
    seen = [];
    expect(await new DagsterClient(endpoint()).launchRun({ job, tags: { t: "1" } })).toBe("new");
    expect(seen).toHaveLength(2);
    expect(JSON.parse(seen[1]?.body ?? "{}").variables.params.executionMetadata.tags).toEqual([
      { key: "t", value: "1" },
    ]);
  });

  it("gives up after the retries with one line", async () => {
    script = [json(503, {}), json(503, {}), json(503, {}), json(503, { detail: "still down" })];
    await expect(new DagsterClient(endpoint()).run("r1")).rejects.toThrow(
      `dagster at ${url}: HTTP 503 from /graphql`,
    );
  });

  it("a server that does not answer in time is a timeout, not a hang", async () => {
    script = [() => undefined, () => undefined];
    await expect(
      new DagsterClient(endpoint({ timeoutMs: 200, retries: 1 })).run("r1"),
    ).rejects.toThrow(`dagster at ${url}: no answer within 0.2 s`);
  });
});

describe("GraphQL result unions", () => {
  it("PythonError, not-found and unknown typenames each become one line", async () => {
    const client = new DagsterClient(endpoint());
    script = [
      json(200, {
        data: { runOrError: { __typename: "PythonError", message: "Traceback\nKeyError: x" } },
      }),
    ];
    await expect(client.run("r1")).rejects.toThrow("runOrError: the server failed: Traceback");
    script = [
      json(200, { data: { runOrError: { __typename: "RunNotFoundError", message: "gone" } } }),
    ];
    await expect(client.run("r9")).rejects.toThrow("no run r9 on this server");
    script = [json(200, { data: { runOrError: { __typename: "SomethingNew", message: "?" } } })];
    await expect(client.run("r1")).rejects.toThrow("runOrError: SomethingNew: ?");
    script = [json(200, { errors: [{ message: 'Cannot query field "x"' }] })];
    await expect(client.run("r1")).rejects.toThrow('GraphQL error: Cannot query field "x"');
  });

  it("one refused launch in a batch does not hide the others", async () => {
    script = [
      json(200, {
        data: {
          launchMultipleRuns: {
            __typename: "LaunchMultipleRunsResult",
            launchMultipleRunsResult: [
              { __typename: "LaunchRunSuccess", run: { runId: "a" } },
              { __typename: "RunConfigValidationInvalid", errors: [{ message: "bad field" }] },
            ],
          },
        },
      }),
    ];
    const job = { location: "l", repository: "__repository__", job: "j" };
    const answers = await new DagsterClient(endpoint()).launchRuns([
      { job, tags: {} },
      { job, tags: {} },
    ]);
    expect(answers[0]).toBe("a");
    expect(String(answers[1])).toContain("RunConfigValidationInvalid: bad field");
  });
});

describe("launches in concurrent batches", () => {
  const job = { location: "l", repository: "__repository__", job: "j" };
  const requests = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ job, tags: { n: `${i}` } }));
  // Answers each launch with a run id made of its tag, after `delayMs`.
  const echo =
    (delayMs: number): Handler =>
    (_q, body, res) => {
      const list = JSON.parse(body).variables.list as {
        executionMetadata: { tags: { value: string }[] };
      }[];
      const results = list.map((p) => ({
        __typename: "LaunchRunSuccess",
        run: { runId: `run-${p.executionMetadata.tags[0]?.value}` },
      }));
      setTimeout(
        () =>
          json(200, {
            data: {
              launchMultipleRuns: {
                __typename: "LaunchMultipleRunsResult",
                launchMultipleRunsResult: results,
              },
            },
          })(_q, body, res),
        delayMs,
      );
    };

  it("splits the launches into batches and answers in the order asked", async () => {
    const n = LAUNCH_BATCH * 2 + 3;
    script = [echo(30), echo(0), echo(10)];
    const answers = await launchInBatches(new DagsterClient(endpoint()), requests(n));
    expect(answers).toEqual(requests(n).map((_, i) => `run-${i}`));
    const sizes = seen.map((s) => JSON.parse(s.body).variables.list.length).sort((a, b) => a - b);
    expect(sizes).toEqual([3, LAUNCH_BATCH, LAUNCH_BATCH]);
  });

  it("a failed batch stops further batches and is thrown once the others answered", async () => {
    script = [json(500, { error: "down" }), ...Array.from({ length: 20 }, () => echo(50))];
    await expect(
      launchInBatches(new DagsterClient(endpoint()), requests(LAUNCH_BATCH * 12)),
    ).rejects.toThrow("HTTP 500");
    // Those in flight when the first failed, and no more.
    expect(seen).toHaveLength(LAUNCHES_IN_FLIGHT);
  });
});

describe("credentials never show", () => {
  it("a Dagster+ token is sent as its header and redacted from any message", async () => {
    const token = "tok-SECRET-123";
    script = [
      json(200, {
        data: { runOrError: { __typename: "PythonError", message: `bad token ${token}` } },
      }),
    ];
    const error = await new DagsterClient(endpoint({ secrets: [token] }), token)
      .run("r1")
      .catch((e: Error) => e);
    expect(seen[0]?.headers["dagster-cloud-api-token"]).toBe(token);
    expect(String(error)).toContain("bad token ***");
    expect(String(error)).not.toContain(token);
  });

  it("Airflow logs in once, sends the bearer token, and logs in again after a 401", async () => {
    script = [
      json(201, { access_token: "jwt-1" }),
      json(200, { dag_id: "d", dag_run_id: "r", state: "running" }),
      json(401, { detail: "expired" }),
      json(201, { access_token: "jwt-2" }),
      json(200, { dag_id: "d", dag_run_id: "r", state: "success" }),
    ];
    const client = new AirflowClient(endpoint({ kind: "airflow", secrets: ["pw"] }), {
      username: "u",
      password: "pw",
    });
    expect((await client.run("d", "r")).state).toBe("running");
    expect((await client.run("d", "r")).state).toBe("success");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /auth/token",
      "GET /api/v2/dags/d/dagRuns/r",
      "GET /api/v2/dags/d/dagRuns/r",
      "POST /auth/token",
      "GET /api/v2/dags/d/dagRuns/r",
    ]);
    expect(seen[1]?.headers.authorization).toBe("Bearer jwt-1");
    expect(seen[4]?.headers.authorization).toBe("Bearer jwt-2");
  });

  it("a refused login names the profile's keys, never the password", async () => {
    script = [json(401, { detail: "Invalid credentials for pw-XYZ" })];
    const client = new AirflowClient(endpoint({ kind: "airflow", secrets: ["pw-XYZ"] }), {
      username: "u",
      password: "pw-XYZ",
    });
    const error = await client.run("d", "r").catch((e: Error) => e);
    expect(String(error)).toContain("login refused: check the profile's username and password");
    expect(String(error)).not.toContain("pw-XYZ");
  });

  it("FastAPI validation details are summarised in one line", async () => {
    script = [
      json(201, { access_token: "jwt-token" }),
      json(422, { detail: [{ loc: ["body", "logical_date"], msg: "Field required" }] }),
    ];
    const client = new AirflowClient(endpoint({ kind: "airflow" }), {
      username: "u",
      password: "p",
    });
    await expect(client.trigger("d", { logicalDate: null })).rejects.toThrow(
      "trigger of DAG d: HTTP 422: body.logical_date: Field required",
    );
  });
});
