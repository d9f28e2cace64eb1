import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Real `slo serve` processes (dist/cli/bin.js), Starlake played by the recording stand-in.
const BIN = resolve("dist/cli/bin.js");
const RECORDER = resolve("tests/integration/bin/starlake-recorder");
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \S/;

let dir: string;
let project: string;
let state: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-serve-"));
  project = join(dir, "minimal");
  cpSync("examples/minimal", project, { recursive: true });
  state = join(dir, "state.db");
});
afterEach(async () => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGKILL");
      await new Promise((r) => c.once("exit", r));
    }
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of a child: a colourful terminal type, NO_COLOR as given. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color", ...extra };
  if (extra.NO_COLOR === undefined) delete e.NO_COLOR;
  e.SLO_RECORD = join(dir, "calls.jsonl");
  return e;
}

async function until(what: string, condition: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = (text: string, word: string) => text.split(word).length - 1;

describe("slo serve, its output in a file", () => {
  it("timestamps every line, lists when each pipeline is next due at start and on SIGUSR1, and writes no escape code", async () => {
    const logFile = join(dir, "serve.log");
    const out = openSync(logFile, "w");
    const serve = spawn(
      process.execPath,
      [BIN, "serve", project, "--starlake", RECORDER, "--state", state],
      { env: env(), stdio: ["ignore", out, out], timeout: 120_000 },
    );
    children.push(serve);
    const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
    const exited = new Promise<number | null>((r) => serve.once("exit", (code) => r(code)));

    await until("the next-due lines at start", () => count(log(), "next due: ") >= 3);
    expect(log()).toMatch(
      / next due: minimal_load at \d{4}-\d\d-\d\dT06:00:00\+00:00 \(cron 0 6 \* \* \*, UTC\)\n/,
    );
    expect(log()).toContain(
      " next due: minimal_plant_count on new events of garden_plants (new so far: none)\n",
    );
    expect(log()).toContain(` pid ${serve.pid}; Ctrl-C to stop, kill -USR1 ${serve.pid} to list`);

    serve.kill("SIGUSR1");
    await until("the next-due lines of SIGUSR1", () => count(log(), "next due: ") >= 6);
    expect(serve.exitCode).toBeNull(); // SIGUSR1 neither stops it nor opens Node's inspector

    // a load run by another process produces the datasets: serve starts the transforms
    const load = spawnSync(
      process.execPath,
      [BIN, "run", project, "--pipeline", "minimal_load", "--starlake", RECORDER, "--state", state],
      { env: env(), encoding: "utf8", timeout: 120_000 },
    );
    expect(load.status, load.stderr).toBe(0);
    await until("the transforms' runs", () => count(log(), " finished ") >= 2);
    serve.kill("SIGINT");
    expect(await exited).toBe(0);

    const bytes = readFileSync(logFile);
    expect(bytes.includes(0x1b)).toBe(false);
    const lines = bytes.toString("utf8").trimEnd().split("\n");
    for (const line of lines) expect(line).toMatch(STAMP);
    for (const p of ["minimal_plant_count", "minimal_thirsty_plants"]) {
      expect(
        lines.some((l) =>
          new RegExp(` started ${p}__\\S+ \\(datasets, logical date \\S+\\)$`).test(l),
        ),
      ).toBe(true);
      expect(lines.some((l) => new RegExp(` ${p}__\\S+ end: success$`).test(l))).toBe(true);
      expect(lines.some((l) => new RegExp(` finished ${p}__\\S+: success$`).test(l))).toBe(true);
    }
    expect(lines.at(-1)).toMatch(/ slo serve: stopped; unfinished runs resume at the next start$/);
  });
});

/** `script` (util-linux) gives the child a terminal; without it the test fails, never skips. */
const hasScript = spawnSync("script", ["--version"], { timeout: 10_000 }).status === 0;
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe("slo serve on a terminal (script(1) provides it)", () => {
  it("has script(1) to make the terminal", () => {
    expect(hasScript, "install util-linux: script(1) runs slo serve on a pseudo-terminal").toBe(
      true,
    );
  });

  /** Starts serve on a pseudo-terminal, waits for its next-due lines, stops it; its output. */
  async function onTerminal(extra: Record<string, string>): Promise<string> {
    const pidFile = join(dir, `serve-${Object.keys(extra).length}.pid`);
    const command = [
      process.execPath,
      BIN,
      "serve",
      project,
      "--starlake",
      RECORDER,
      "--state",
      state,
    ]
      .map(quote)
      .join(" ");
    const child = spawn(
      "script",
      ["-qfec", `${command} & echo $! > ${quote(pidFile)}; wait $!`, "/dev/null"],
      {
        env: env(extra),
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 120_000,
      },
    );
    children.push(child);
    let text = "";
    child.stdout?.on("data", (d) => {
      text += String(d);
    });
    const exited = new Promise((r) => child.once("exit", r));
    await until("the next-due lines on the terminal", () => count(text, "next due: ") >= 3);
    // SIGTERM: a background job of a shell ignores SIGINT
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
    await exited;
    expect(text).toContain("slo serve: stopped");
    return text;
  }

  it("colours its lines on a terminal, and writes no escape code when NO_COLOR is set", async () => {
    const coloured = await onTerminal({});
    expect(coloured).toContain("\x1b[2m"); // the time stamp, dimmed
    const plain = await onTerminal({ NO_COLOR: "1" });
    expect(plain.includes("\x1b")).toBe(false);
    for (const line of plain.replaceAll("\r", "").trimEnd().split("\n"))
      expect(line).toMatch(STAMP);
  });
});
