import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { printable, printableJson } from "../../src/pipeline/printable.js";
import { AirflowClient } from "../../src/remote/airflow/airflow-client.js";
import { DagsterClient } from "../../src/remote/dagster/dagster-client.js";
import { type Endpoint, MAX_REDIRECTS, send } from "../../src/remote/http.js";
import { MAX_LISTED } from "../../src/remote/pages.js";
import { credentialsIn, json, RecordingServer, unsafeChars } from "../helpers/recording-server.js";

/**
 * Regression tests of issue 16 for the remote clients: redirects that would carry credentials to
 * another origin, answers of the wrong shape, huge, slow or endless answers, escape sequences.
 */
const home = new RecordingServer();
const other = new RecordingServer();
const TOKEN = "dagster-token-SECRET-1";
const PASSWORD = "airflow-password-SECRET-2";

beforeAll(async () => {
  await home.start();
  await other.start();
});
afterAll(async () => {
  await home.stop();
  await other.stop();
});
beforeEach(() => {
  home.seen.length = 0;
  other.seen.length = 0;
  other.handler = json(200, { data: {}, access_token: "stolen" });
});

const endpoint = (kind: string, over: Partial<Endpoint> = {}): Endpoint => ({
  kind,
  baseUrl: home.url,
  timeoutMs: 2000,
  retries: 1,
  backoffMs: 10,
  secrets: [TOKEN, PASSWORD],
  ...over,
});
const dagster = (over: Partial<Endpoint> = {}) =>
  new DagsterClient(endpoint("dagster", over), TOKEN);
const airflow = (over: Partial<Endpoint> = {}) =>
  new AirflowClient(endpoint("airflow", over), { username: "admin", password: PASSWORD });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: Error) => `${e.name}: ${e.message}`,
  );
const RUN = {
  __typename: "Run",
  runId: "r1",
  status: "SUCCESS",
  jobName: "j",
  tags: [],
  startTime: 1,
  endTime: 2,
};
const DAG_RUN = { dag_id: "d", dag_run_id: "r", state: "success" };
const redirect =
  (status: number, to: (path: string) => string) =>
  (req: { url?: string }, _b: string, res: import("node:http").ServerResponse) =>
    res.writeHead(status, { location: to(req.url ?? "/") }).end();

describe("redirects", () => {
  afterEach(() => {
    // The other origin is where a stolen credential would arrive: it must have seen nothing.
    for (const seen of other.seen) expect(credentialsIn(seen, [TOKEN, PASSWORD])).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it("a 307 to another origin is refused: the Dagster+ token never leaves the configured origin", async () => {
    home.handler = redirect(307, (p) => `${other.url}${p}`);
    const message = await failure(dagster().run("r1"));
    expect(message).toBe(
      `RemoteError: dagster at ${home.url}: POST /graphql was redirected to another origin (${other.url}/graphql): not followed, credentials are only sent to ${home.url}`.replace(
        " was redirected",
        ": redirected",
      ),
    );
    expect(other.seen).toEqual([]);
    expect(home.seen[0]?.headers["dagster-cloud-api-token"]).toBe(TOKEN);
  });

  it("the Airflow login is not sent after a redirect to another host name of the same port", async () => {
    // localhost and 127.0.0.1 are two origins, even on one port.
    home.handler = redirect(307, (p) => `http://localhost:${home.port}${p}`);
    const message = await failure(airflow().run("d", "r"));
    expect(message).toContain(
      `airflow at ${home.url}: POST /auth/token: redirected to another origin (http://localhost:${home.port}/auth/token)`,
    );
    expect(home.seen).toHaveLength(1);
    for (const code of [301, 302, 303, 308]) {
      home.handler = redirect(code, (p) => `${other.url}${p}`);
      expect(await failure(airflow().run("d", "r"))).toContain("redirected to another origin");
    }
    expect(other.seen).toEqual([]);
  });

  it("redirects within the origin are followed with the method and body of a 307, as a GET after a 303", async () => {
    let moves = 0;
    home.handler = (req, body, res) => {
      if (req.url === "/auth/token" && moves++ === 0)
        return redirect(307, () => "/moved/auth/token")(req, body, res);
      if (req.url === "/moved/auth/token")
        return json(201, { access_token: "jwt" })(req, body, res);
      if (req.url?.startsWith("/api/")) return redirect(303, () => "/see-other")(req, body, res);
      return json(200, DAG_RUN)(req, body, res);
    };
    expect((await airflow().run("d", "r")).dag_run_id).toBe("r");
    expect(home.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /auth/token",
      "POST /moved/auth/token",
      "GET /api/v2/dags/d/dagRuns/r",
      "GET /see-other",
    ]);
    expect(JSON.parse(home.seen[1]?.body ?? "{}")).toEqual({
      username: "admin",
      password: PASSWORD,
    });
    expect(home.seen[3]?.headers.authorization).toBe("Bearer jwt");
  });

  it("a redirect loop stops after a bounded number of hops", async () => {
    home.handler = redirect(307, (p) => (p === "/a" ? "/b" : "/a"));
    const message = await failure(
      send(endpoint("dagster"), { method: "GET", path: "/a", idempotent: true }),
    );
    expect(message).toContain(`GET /a: more than ${MAX_REDIRECTS} redirects (a loop?)`);
    expect(home.seen).toHaveLength(MAX_REDIRECTS + 1);
  });
});

describe("answers of the wrong shape are one line naming the server, the request and what was expected", () => {
  it("Airflow: {data: {}}, a list, HTML with status 200, an empty answer", async () => {
    const cases: [
      string,
      (q: never, b: string, res: import("node:http").ServerResponse) => void,
    ][] = [
      ["dag_id: expected string, received undefined", json(200, { data: {} })],
      ["the answer: expected object, received array", json(200, [DAG_RUN])],
      [
        "expected JSON with a DAG run, found text: <!DOCTYPE html><title>Sign in</title>",
        (_q, _b, res) =>
          res
            .writeHead(200, { "content-type": "text/html" })
            .end("<!DOCTYPE html><title>Sign in</title>\n<body>"),
      ],
      [
        "expected JSON with a DAG run, found an empty answer",
        (_q, _b, res) => res.writeHead(200).end(),
      ],
    ];
    for (const [words, answer] of cases) {
      home.handler = (req, body, res) =>
        req.url === "/auth/token"
          ? json(201, { access_token: "jwt" })(req, body, res)
          : answer(req as never, body, res);
      const message = await failure(airflow().run("d", "r"));
      expect(message).toBe(
        `RemoteError: airflow at ${home.url}: run r of DAG d (GET /api/v2/dags/d/dagRuns/r): HTTP 200, but ${words.startsWith("expected JSON") ? words : `expected a DAG run: ${words}`}`,
      );
    }
  });

  it("Airflow: an error answer whose details are not what FastAPI writes", async () => {
    for (const detail of [[null, { loc: "x", msg: { a: 1 } }, 7], { nested: true }, 42]) {
      home.handler = (req, body, res) =>
        req.url === "/auth/token"
          ? json(201, { access_token: "jwt" })(req, body, res)
          : json(422, { detail })(req, body, res);
      expect(await failure(airflow().run("d", "r"))).toMatch(
        new RegExp(`^RemoteError: airflow at ${home.url}: run r of DAG d: HTTP 422: .+`),
      );
    }
  });

  it("Airflow: a login answer without a usable token", async () => {
    home.handler = json(201, { access_token: "bad\r\nInjected: header" });
    expect(await failure(airflow().run("d", "r"))).toContain(
      "login (POST /auth/token): HTTP 201, but expected a token: access_token: expected a token of printable ASCII",
    );
  });

  it("Dagster: a union branch with wrong fields, a time no date can hold, answers that do not match the launches", async () => {
    home.handler = json(200, { data: { runOrError: { ...RUN, runId: 5 } } });
    expect(await failure(dagster().run("r1"))).toBe(
      `RemoteError: dagster at ${home.url}: POST /graphql (runOrError): expected the data asked for: data.runOrError.runId: expected string, received number`,
    );
    home.handler = json(200, { data: { runOrError: { ...RUN, startTime: 1e300 } } });
    expect(await failure(dagster().run("r1"))).toContain(
      "data.runOrError.startTime: expected seconds since 1970",
    );
    home.handler = json(200, { data: { runOrError: { __typename: "PythonError", message: 42 } } });
    expect(await failure(dagster().run("r1"))).toContain(
      "data.runOrError.message: expected string",
    );
    home.handler = json(200, { data: null });
    expect(await failure(dagster().run("r1"))).toContain("data: expected object, received null");
    const job = { location: "l", repository: "__repository__", job: "j" };
    home.handler = json(200, {
      data: {
        launchMultipleRuns: {
          __typename: "LaunchMultipleRunsResult",
          launchMultipleRunsResult: [],
        },
      },
    });
    expect(await failure(dagster().launchRuns([{ job, tags: {} }]))).toContain(
      "launchMultipleRuns: 0 answers to 1 launches",
    );
  });
});

describe("answers too large, too slow, or endless", () => {
  it("a huge answer is cut off as it streams in, not read into memory", async () => {
    let written = 0;
    home.handler = (_q, _b, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const more = () => {
        // 512 MB unless the client hangs up first.
        while (written < 512 << 20 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      res.on("close", () => undefined);
      more();
    };
    const message = await failure(
      send(endpoint("airflow", { maxAnswerBytes: 4 << 20 }), {
        method: "GET",
        path: "/big",
        idempotent: true,
      }),
    );
    expect(message).toBe(
      `RemoteError: airflow at ${home.url}: GET /big: the answer is larger than 4 MB, more than any answer slo expects: not read`,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(written).toBeLessThan(64 << 20);
  });

  it("a compressed answer is measured after decompression (a gzip bomb)", async () => {
    const bomb = gzipSync(Buffer.alloc(16 << 20, 0x20));
    home.handler = (_q, _b, res) =>
      res
        .writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        .end(bomb);
    expect(
      await failure(
        send(endpoint("airflow", { maxAnswerBytes: 1 << 20 }), {
          method: "GET",
          path: "/gz",
          idempotent: true,
        }),
      ),
    ).toContain("the answer is larger than 1 MB");
  });

  it("an answer whose body trickles in is timed out whole", async () => {
    home.handler = (_q, _b, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 20);
    };
    expect(await failure(dagster({ timeoutMs: 300, retries: 1 }).run("r1"))).toBe(
      `RemoteError: dagster at ${home.url}: no answer within 0.3 s`,
    );
    expect(home.seen).toHaveLength(2);
  });

  it("Dagster pages that are always full end with an error, fresh runs or the same ones", async () => {
    let n = 0;
    home.handler = json(200, {}); // replaced per request below
    home.handler = (q, b, res) =>
      json(200, {
        data: {
          runsOrError: {
            __typename: "Runs",
            results: Array.from({ length: 500 }, () => ({ ...RUN, runId: `r${n++}` })),
          },
        },
      })(q, b, res);
    expect(await failure(dagster().runsByTags({ t: "x" }))).toContain(
      `runsOrError: more than ${MAX_LISTED} items: stopped (a listing that never ends?)`,
    );
    expect(home.seen.length).toBeLessThanOrEqual(MAX_LISTED / 500 + 1);
    home.seen.length = 0;
    const same = Array.from({ length: 500 }, (_, i) => ({ ...RUN, runId: `s${i}` }));
    home.handler = json(200, { data: { runsOrError: { __typename: "Runs", results: same } } });
    expect(await failure(dagster().runsByTags({ t: "x" }))).toContain(
      "runsOrError: a page lists only items of earlier pages: its paging does not advance",
    );
    expect(home.seen).toHaveLength(2);
  });

  it("Airflow listings whose total never comes end with an error", async () => {
    home.handler = (req, body, res) =>
      req.url === "/auth/token"
        ? json(201, { access_token: "jwt" })(req, body, res)
        : json(200, { dag_runs: [DAG_RUN], total_entries: 1e9 })(req, body, res);
    expect(await failure(airflow().runsWithPrefix("d", "slo__"))).toContain(
      "runs of d: a page lists only items of earlier pages",
    );
  });
});

describe("escape sequences from a server never reach the terminal", () => {
  const hostile = "evil\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe\r\nsecond line";

  it("printable shows every control and bidi character as a visible escape", () => {
    expect(printable(hostile)).toBe(
      "evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe\\x0d\\x0asecond line",
    );
    expect(printable("plain é 日本 ✓")).toBe("plain é 日本 ✓");
    expect(unsafeChars(hostile)).toHaveLength(6);
    const text = printableJson({ v: hostile });
    expect(JSON.parse(text)).toEqual({ v: hostile });
    expect(unsafeChars(text)).toEqual([]);
  });

  it("an error text with escapes is printed escaped, secrets masked", async () => {
    home.handler = json(500, { errors: [{ message: `${hostile} ${TOKEN}` }] });
    const message = await failure(dagster({ retries: 0 }).run("r1"));
    expect(message).toContain("GraphQL error: evil\\x1b]0;pwned\\x07");
    expect(unsafeChars(message)).toEqual([]);
    expect(message).not.toContain(TOKEN);
  });
});
