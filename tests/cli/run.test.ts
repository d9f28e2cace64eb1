import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkRunnable } from "../../src/engine/engine.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { runCli } from "../helpers/cli.js";
import { testPipeline } from "../helpers/engine.js";

const RECORDER = resolve("tests/integration/bin/starlake-recorder");
let dir: string;
let project: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-run-"));
  project = join(dir, "minimal");
  cpSync("examples/minimal", project, { recursive: true });
  process.env.SLO_RECORD = join(dir, "calls.jsonl");
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

const calls = () =>
  readFileSync(join(dir, "calls.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { argv: string[]; cwd: string });

describe("slo run", () => {
  it("runs every pipeline, loads before transforms, then lists runs and logs", async () => {
    const r = await runCli([
      "run",
      project,
      "--starlake",
      RECORDER,
      "--date",
      "2026-03-01T06:00:00Z",
    ]);
    expect(r.stderr).not.toContain("failed");
    expect(r.stderr).not.toContain("note:"); // a tick is its own period
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run \S+ \(\S+\): success$/m);
    const verbs = calls().map((c) => c.argv[0]);
    expect(verbs.indexOf("transform")).toBeGreaterThan(verbs.lastIndexOf("load"));
    expect(new Set(calls().map((c) => c.cwd))).toEqual(new Set([project]));
    const runs = await runCli(["runs", project, "--json"]);
    const listed = JSON.parse(runs.stdout).runs as Array<{ id: string; state: string }>;
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(listed.map((x) => x.state))).toEqual(new Set(["success"]));
    const load = listed.find((x) => x.id.includes("load")) as { id: string };
    const logs = await runCli(["logs", load.id, "--project", project, "--list"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^task\s+try\s+state\s+exit\s+log$/m);
    expect(logs.stdout).toContain(".log");
  });

  it("exits 1 when a task fails, and the summary says which", async () => {
    process.env.SLO_FAKE_EXITS = JSON.stringify({ load: 3 });
    process.env.retries = "0"; // the option, from the environment: no 300 s retry delay here
    const r = await runCli(["run", project, "--starlake", RECORDER, "--json"]);
    expect(r.code).toBe(1);
    const { runs } = JSON.parse(r.stdout) as {
      runs: Array<{ run: { state: string }; tasks: Array<{ state: string; note: string }> }>;
    };
    expect(runs.some((x) => x.run.state === "failed")).toBe(true);
    expect(
      runs.flatMap((x) => x.tasks).some((t) => t.state === "failed" && t.note === "exit code 3"),
    ).toBe(true);
  });

  it("bad input: one line and exit 2, nothing run", async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ["--date", "yesterday"],
        /^error\[bad_input\]: --date yesterday: expected a day \(2024-01-31\) or an ISO date-time/,
      ],
      [["--pool", "narrow"], /^error\[bad_input\]: --pool "narrow": expected NAME=SLOTS/],
      [["--concurrency", "0"], /^error\[bad_input\]: --concurrency 0: expected a positive integer/],
      [["--resume", "nope"], /no engine state at .*state\.db/],
      // a resumed run keeps its pipelines and date: choosing others is refused, not ignored
      [
        ["--resume", "--pipeline", "minimal_load"],
        /^error\[bad_input\]: --resume: cannot be combined with --pipeline \(a resumed run keeps/,
      ],
      [
        ["--resume", "r1", "--date", "2026-03-01", "--tags", "x"],
        /^error\[bad_input\]: --resume: cannot be combined with --tags, --date \(/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(["run", project, "--starlake", RECORDER, ...flags]);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
    const missing = await runCli(["run", project, "--starlake", "/no/such/starlake"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(
      /pipeline \S+: starlake not found: --starlake "\/no\/such\/starlake" is not an executable file/,
    );
    expect(() => readFileSync(join(dir, "calls.jsonl"))).toThrow();
    // refused before the engine's state folder is made: a refused run leaves nothing behind
    expect(() => readdirSync(join(project, ".slo"))).toThrow();
  });

  it("--date DAY runs each pipeline for its tick of that day (docs/dates.md)", async () => {
    const r = await runCli(["run", project, "--starlake", RECORDER, "--date", "2026-03-01"]);
    expect(r.code).toBe(0);
    const loads = calls().filter((c) => c.argv[0] === "load");
    expect(loads.length).toBeGreaterThan(0);
    for (const c of loads)
      expect(c.argv.slice(1, 3)).toEqual(["--scheduledDate", "2026-03-01T06:00:00+0000"]);
    const transform = calls().find((c) => c.argv[0] === "transform");
    expect(transform?.argv.join(" ")).toContain(
      "sl_data_interval_start='2026-02-28T06:00:00+0000',sl_data_interval_end='2026-03-01T06:00:00+0000'",
    );
  });

  it("a --date between two ticks runs for the earlier, and says so", async () => {
    const r = await runCli([
      "run",
      project,
      "--pipeline",
      "minimal_load",
      "--starlake",
      RECORDER,
      "--date",
      "2026-03-01T07:00:00Z",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'note: minimal_load: 2026-03-01T07:00:00Z falls between two ticks of "0 6 * * *": the earlier: runs for 2026-03-01T06:00:00+0000',
    );
    for (const c of calls())
      expect(c.argv.slice(1, 3)).toEqual(["--scheduledDate", "2026-03-01T06:00:00+0000"]);
    // slo plan --date says the same before anything runs
    const plan = await runCli(["plan", project, "--date", "2026-03-01T07:00:00Z"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      '  run for 2026-03-01T07:00:00Z: --scheduledDate 2026-03-01T06:00:00+0000, data interval 2026-02-28T06:00:00+0000 to 2026-03-01T06:00:00+0000 (2026-03-01T07:00:00Z falls between two ticks of "0 6 * * *": the earlier)\n',
    );
  });

  it("--dry-run prints each run's period and its commands in order, and runs nothing", async () => {
    const r = await runCli(["run", project, "--dry-run", "--date", "2026-03-01T07:30:00+01:00"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      'minimal_load: --scheduledDate 2026-03-01T06:00:00+0000, data interval 2026-02-28T06:00:00+0000 to 2026-03-01T06:00:00+0000 (2026-03-01T06:30:00Z falls between two ticks of "0 6 * * *": the earlier)',
    );
    expect(lines[1]).toBe(
      `  load_garden_plants: starlake load --scheduledDate 2026-03-01T06:00:00+0000 --domains garden --tables plants --options SL_ROOT=${project}`,
    );
    expect(lines.filter((l) => l.startsWith("  ")).length).toBe(4);
    expect(lines.at(-1)).toBe("3 pipeline(s); nothing was run (--dry-run)");
    expect(() => readFileSync(join(dir, "calls.jsonl"))).toThrow();
    expect(() => readFileSync(join(project, ".slo", "state.db"))).toThrow();
    const both = await runCli(["run", project, "--dry-run", "--resume", "x"]);
    expect(both.code).toBe(2);
  });

  it("refuses environments it does not run, naming the pipeline", () => {
    const p = testPipeline({ root: dir, tasks: [{ id: "a" }] });
    const cloud: Pipeline = {
      ...p,
      environment: {
        kind: "registered",
        name: "k8s",
        settings: {},
        env: {},
        slRoot: dir,
        at: { file: "metadata/dags/c.sl.yml", line: 2, col: 13 },
      },
    };
    expect(() => checkRunnable([cloud], { baseEnv: {} })).toThrow(
      /^metadata\/dags\/c\.sl\.yml:2:13: error\[unsupported_environment\]: pipeline p: execution environment k8s is not supported by the engine runner; it supports shell, cloud_run, dataproc, fargate$/,
    );
  });
});
