import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeOrchestrator,
  fakeAirflow,
  fakeDagster,
  type Reply,
} from "../helpers/fake-orchestrator.js";
import { credentialsIn, RecordingServer, unsafeChars } from "../helpers/recording-server.js";
import { bytes, mulberry32, pick, type Rng } from "../helpers/seeded-random.js";

/**
 * The property of issue 16 for `slo trigger`, `status` and `backfill`: whatever a server answers
 * (shapes of its own, HTML, random bytes, huge or trickling bodies, silence, endless pages,
 * redirects within its origin, to another origin, in a loop, escape sequences), slo ends within
 * its time limits with exit 0 or a clear exit 1 naming the server, never 70; its memory stays
 * bounded; nothing a terminal acts on is printed; and no credential reaches another origin.
 * Each case runs the built CLI as a child process against a fake server in this process.
 * Seeded: SLO_FUZZ_SEED=<n> replays a run, SLO_FUZZ_EXTRA=<n> adds random cases.
 */
const SEED = Number(process.env.SLO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const EXTRA = Number(process.env.SLO_FUZZ_EXTRA ?? 4);
/** Each child gets this long; the slowest case (1000 endless Airflow pages) takes a few seconds. */
const CHILD_TIMEOUT_MS = 60_000;
/** Max RSS of a child. Node and the CLI take about 100 MB; an uncapped huge answer took GBs. */
const RSS_LIMIT_MB = 300;
const USER = "fuzz-admin";
const PASSWORD = "fuzz-password-SECRET-7f3a";
const TOKEN = "fuzz-dagster-token-SECRET-91c2";
const HOSTILE = "x\x1b]0;title\x07\x1b[2J\u009b1m\u202eevil\u2066\r\nnext";

const home = new RecordingServer();
const other = new RecordingServer();
const work = mkdtempSync(join(tmpdir(), "slo-hostile-server-"));
const rssHook = join(work, "rss.mjs");

beforeAll(async () => {
  await home.start();
  await other.start();
  other.handler = (_q, _b, res) =>
    res
      .writeHead(200, { "content-type": "application/json" })
      .end('{"access_token":"x","data":{}}');
  writeFileSync(
    rssHook,
    'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(process.env.SLO_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  writeFileSync(
    join(work, "profiles.yml"),
    [
      "profiles:",
      "  airflow:",
      "    kind: airflow",
      `    url: ${home.url}`,
      "    username_env: SLO_FUZZ_USER",
      "    password_env: SLO_FUZZ_PASSWORD",
      "    timeout_seconds: 1",
      "    retries: 1",
      "  dagster:",
      "    kind: dagster",
      `    url: ${home.url}`,
      "    token_env: SLO_FUZZ_TOKEN",
      "    timeout_seconds: 1",
      "    retries: 1",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(work, "airflow.yml"),
    "dag_id: d\ntags:\n  name: fuzz\n  partitions:\n  - name: p\n    values: [a, b, c]\n",
  );
  writeFileSync(
    join(work, "dagster.yml"),
    "job_name: job1\ntags:\n  name: fuzz\n  partitions:\n  - name: p\n    values: [a, b, c]\n",
  );
});
afterAll(async () => {
  await home.stop();
  await other.stop();
  rmSync(work, { recursive: true, force: true });
});

type Expect = "error" | "ok" | "either";
interface Ctx {
  readonly req: IncomingMessage;
  readonly body: string;
  readonly res: ServerResponse;
  readonly fake: FakeOrchestrator;
  readonly rng: Rng;
}
interface Fault {
  readonly name: string;
  readonly expect: Expect;
  /** Applies to listing requests only (and only `backfill` lists). */
  readonly listing?: boolean;
  /** The fake server's own names carry escape sequences. */
  readonly decorated?: boolean;
  apply(ctx: Ctx): void;
}

const send = (res: ServerResponse, reply: Reply) =>
  res
    .writeHead(reply.status, { "content-type": "application/json" })
    .end(reply.body === undefined ? "" : JSON.stringify(reply.body));

/** One leaf or key of a valid answer changed: removed, or its value of another type. */
function mutate(value: unknown, rng: Rng): unknown {
  if (Array.isArray(value))
    return value.length === 0
      ? [pick(rng, [1, "x", null])]
      : value.map((v) => (rng() < 0.5 ? mutate(v, rng) : v));
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return pick(rng, [[], null, "x"]);
    const i = Math.floor(rng() * entries.length);
    const out: Record<string, unknown> = {};
    entries.forEach(([k, v], j) => {
      if (j !== i) out[k] = v;
      else if (rng() < 0.3)
        return; // removed
      else
        out[k] =
          rng() < 0.5
            ? mutate(v, rng)
            : pick(rng, [null, 0, -1, 1e308, "", [], {}, true, "9".repeat(400)]);
    });
    return out;
  }
  return pick(rng, [null, {}, [], "x", 1.5, -1, Number.MAX_SAFE_INTEGER * 1e10]);
}

const FAULTS: readonly Fault[] = [
  {
    name: "wrong shape",
    expect: "error",
    apply: ({ res, rng, fake, req, body }) =>
      send(res, {
        status: 200,
        body: pick(rng, [
          {},
          [],
          null,
          0,
          "text",
          true,
          { data: {} },
          { data: null },
          [fake.reply(req, body).body],
        ]),
      }),
  },
  {
    name: "mutated answer",
    expect: "either",
    apply: ({ res, rng, fake, req, body }) => {
      const reply = fake.reply(req, body);
      send(res, { status: reply.status, body: mutate(reply.body, rng) });
    },
  },
  {
    name: "HTML with status 200",
    expect: "error",
    apply: ({ res }) =>
      res
        .writeHead(200, { "content-type": "text/html" })
        .end("<!DOCTYPE html>\n<html><body>Sign in</body></html>"),
  },
  {
    name: "random bytes as the body",
    expect: "error",
    apply: ({ res, rng }) =>
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(bytes(rng, Math.floor(rng() * 4096))),
  },
  {
    name: "random bytes instead of HTTP",
    expect: "error",
    apply: ({ res, rng }) => res.socket?.end(bytes(rng, 1 + Math.floor(rng() * 2048))),
  },
  {
    name: "huge body",
    expect: "error",
    apply: ({ res }) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 700 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    },
  },
  {
    name: "body trickling in",
    expect: "error",
    apply: ({ res }) => {
      res.writeHead(200, { "content-type": "application/json" }).write("{");
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 50);
    },
  },
  { name: "silence", expect: "error", apply: () => undefined },
  {
    name: "redirect to another origin",
    expect: "error",
    apply: ({ req, res, rng }) =>
      res
        .writeHead(pick(rng, [301, 302, 303, 307, 308]), {
          location: `${pick(rng, [other.url, `http://localhost:${home.port}`])}${req.url}`,
        })
        .end(),
  },
  {
    name: "redirect loop",
    expect: "error",
    apply: ({ req, res }) => res.writeHead(307, { location: req.url ?? "/" }).end(),
  },
  {
    name: "redirect within the origin",
    expect: "ok",
    apply: ({ req, body, res, rng, fake }) => {
      if (req.url?.startsWith("/moved/")) return send(res, fake.reply(req, body));
      const status =
        req.method === "GET" ? pick(rng, [301, 302, 303, 307, 308]) : pick(rng, [307, 308]);
      res.writeHead(status, { location: `/moved${req.url}` }).end();
    },
  },
  {
    name: "escape sequences in the names a server makes up",
    expect: "ok",
    decorated: true,
    apply: ({ res, fake, req, body }) => send(res, fake.reply(req, body)),
  },
  {
    name: "escape sequences in an error",
    expect: "error",
    apply: ({ res, rng }) =>
      send(res, {
        status: pick(rng, [400, 404, 409, 422]),
        body: { detail: HOSTILE, errors: [{ message: HOSTILE }] },
      }),
  },
  {
    name: "endless fresh pages",
    expect: "error",
    listing: true,
    apply: ({ res, fake, req, body }) => send(res, fake.endlessPage(req, body, true)),
  },
  {
    name: "endless pages of the same runs",
    expect: "error",
    listing: true,
    apply: ({ res, fake, req, body }) => send(res, fake.endlessPage(req, body, false)),
  },
];

/** Requests each verb surely makes (the fault starts at one of them and stays). */
const REQUESTS = {
  airflow: { trigger: 3, status: 3, backfill: 7 },
  dagster: { trigger: 2, status: 1, backfill: 4 },
} as const;
type Verb = "trigger" | "status" | "backfill";
interface Case {
  readonly n: number;
  readonly kind: "airflow" | "dagster";
  readonly verb: Verb;
  readonly fault: Fault;
  readonly from: number;
  readonly seed: number;
}

function cases(): Case[] {
  const rng = mulberry32(SEED);
  const out: Case[] = [];
  const add = (kind: "airflow" | "dagster", fault: Fault) => {
    const verb: Verb = fault.listing
      ? "backfill"
      : pick(rng, ["trigger", "status", "backfill"] as const);
    const from = fault.listing ? 0 : Math.floor(rng() * REQUESTS[kind][verb]);
    out.push({ n: out.length, kind, verb, fault, from, seed: Math.floor(rng() * 2 ** 31) });
  };
  for (const fault of FAULTS) for (const kind of ["airflow", "dagster"] as const) add(kind, fault);
  for (let i = 0; i < EXTRA; i++)
    add(pick(rng, ["airflow", "dagster"] as const), pick(rng, FAULTS));
  return out;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  rssMb: number;
  timedOut: boolean;
}

function slo(args: readonly string[], rssFile: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLO_PROFILES: join(work, "profiles.yml"),
      SLO_FUZZ_USER: USER,
      SLO_FUZZ_PASSWORD: PASSWORD,
      SLO_FUZZ_TOKEN: TOKEN,
      SLO_TEST_RSS_FILE: rssFile,
    };
    delete env.SLO_PROFILE;
    delete env.SLO_DEBUG;
    const child = spawn(process.execPath, ["--import", rssHook, "dist/cli/bin.js", ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    // What a case prints is small; keep at most 1 MB of it, so this test's memory stays bounded too.
    child.stdout.on("data", (c) => (stdout = `${stdout}${c}`.slice(0, 1 << 20)));
    child.stderr.on("data", (c) => (stderr = `${stderr}${c}`.slice(0, 1 << 20)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, CHILD_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) / 1024 : 0;
      resolve({ code, stdout, stderr, rssMb: Math.round(rss), timedOut });
    });
  });
}

function argsOf(c: Case, fake: FakeOrchestrator): string[] {
  const common = ["--profile", c.kind];
  if (c.verb === "trigger") return ["trigger", fake.pipeline, ...common];
  if (c.verb === "status") return ["status", fake.existingRef, ...common];
  return ["backfill", join(work, `${c.kind}.yml`), "--poll", "0.05", ...common];
}

describe(`slo trigger/status/backfill against a hostile server (seed ${SEED})`, () => {
  it("the built CLI is there", () => {
    expect(existsSync("dist/cli/bin.js"), "run `npm run build` first (npm test does)").toBe(true);
  });

  for (const c of cases()) {
    const title = `case ${c.n}: ${c.kind} ${c.verb}, ${c.fault.name} from request ${c.from} (seed ${SEED})`;
    it(title, async () => {
      const rng = mulberry32(c.seed);
      const decor = c.fault.decorated ? HOSTILE : "";
      const fake = c.kind === "airflow" ? fakeAirflow("d", decor) : fakeDagster("job1", decor);
      let count = 0;
      home.seen.length = 0;
      other.seen.length = 0;
      home.handler = (req, body, res) => {
        const faulty = c.fault.listing ? fake.isListing(req, body) : count >= c.from;
        count++;
        if (faulty) c.fault.apply({ req, body, res, fake, rng });
        else send(res, fake.reply(req, body));
      };
      const out = await slo(argsOf(c, fake), join(work, `rss-${c.n}`));
      const says = `${title}\nexit ${out.code}, ${out.rssMb} MB\nstdout: ${out.stdout.slice(0, 2000)}\nstderr: ${out.stderr.slice(0, 2000)}`;
      expect(out.timedOut, `did not end within ${CHILD_TIMEOUT_MS / 1000} s: ${says}`).toBe(false);
      expect(out.code, says).not.toBe(70);
      expect(out.stderr, says).not.toContain("internal error");
      expect(unsafeChars(out.stdout + out.stderr), says).toEqual([]);
      expect(out.rssMb, says).toBeLessThan(RSS_LIMIT_MB);
      expect(out.rssMb, `the RSS hook did not report: ${says}`).toBeGreaterThan(0);
      const errors = out.stderr.split("\n").filter((l) => l.startsWith("error: "));
      expect(errors.length, says).toBeLessThanOrEqual(1);
      for (const line of errors)
        expect(line, says).toMatch(new RegExp(`^error: ${c.kind} at ${home.url}: `));
      if (c.fault.decorated && !(c.kind === "airflow" && c.verb === "backfill"))
        // The server's names were shown, escaped (\x1b as text, or \u001b in JSON).
        expect(out.stdout, says).toMatch(/\\x1b|\\u001b/);
      if (c.fault.expect === "ok") expect(out.code, says).toBe(0);
      else if (c.fault.expect === "error") {
        expect(out.code, says).toBe(1);
        expect(errors, says).toHaveLength(1);
      } else expect([0, 1], says).toContain(out.code);
      // No credential, and in fact no request at all, reached the other origin.
      for (const seen of other.seen)
        expect(credentialsIn(seen, [PASSWORD, TOKEN]), says).toEqual([]);
      expect(other.seen, says).toEqual([]);
      // localhost is another origin than 127.0.0.1 even on the same port.
      expect(
        home.seen.filter((s) => s.headers.host?.startsWith("localhost")),
        says,
      ).toEqual([]);
      // The credentials did reach the configured origin when the verb got that far.
      const sent = home.seen.flatMap((s) => credentialsIn(s, [PASSWORD, TOKEN]));
      if (home.seen.length > 0) expect(sent.length, says).toBeGreaterThan(0);
    });
  }
});
