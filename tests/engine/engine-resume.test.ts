import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkRunnable, runPipelines } from "../../src/engine/engine.js";
import { executeRun } from "../../src/engine/run-executor.js";
import { lockRun, RunHeldError } from "../../src/engine/run-lock.js";
import { sleepUntil } from "../../src/engine/run-turn.js";
import { serve } from "../../src/engine/serve.js";
import { Slots } from "../../src/engine/slots.js";
import { ConfigError } from "../../src/errors.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { runCli } from "../helpers/cli.js";
import { EngineWorkspace, STAND_IN, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  ws?.close();
});

const settings = (plan: Record<string, unknown> = {}) => ({
  baseEnv: { PATH: process.env.PATH, SLO_RECORD: ws.record, STANDIN_PLAN: JSON.stringify(plan) },
  logsDir: join(ws.dir, "logs"),
  slots: new Slots(4),
});

/** A pid that is not running any more (a child that has exited and been reaped). */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8", timeout: 5000 });
  return Number(r.stdout.trim());
}

/**
 * A run as a crashed engine leaves it: task `a` recorded as running its attempt `attempt`
 * (handed to `launcher`), with `journal` lines in the run's journal.
 */
function crashedRun(p: Pipeline, attempt: number, launcher: number | null, journal: string[]) {
  const runId = ws.store.createRun(p, new Date("2026-03-02T06:00:00Z"), "manual", {});
  const folder = join(ws.dir, "logs", runId);
  mkdirSync(folder, { recursive: true });
  ws.store.transaction(() => {
    ws.store.startAttempt(runId, "a", attempt, join(folder, `a.${attempt}`), launcher);
    ws.store.updateTask(runId, "a", { state: "running", attempts: attempt, firstStart: 1 });
  });
  for (const line of journal) appendFileSync(join(folder, "attempts.journal"), `${line}\n`);
  return runId;
}

const summary = (runId: string) =>
  ws.store.attempts(runId).map((a) => [a.taskId, a.attempt, a.state, a.exitCode]);

describe("embedded engine: resuming an attempt a crash left recorded", () => {
  const pipeline = () =>
    testPipeline({
      root: ws.dir,
      tasks: [{ id: "a", produces: "ds_a" }, { id: "b" }],
      edges: [["a", "b"]],
    });

  it("recorded but never journaled, its launcher gone: it never ran, so it runs once, numbered after it", async () => {
    ws = new EngineWorkspace();
    const runId = crashedRun(pipeline(), 1, deadPid(), []);
    expect(await executeRun(ws.store, runId, settings())).toBe("success");
    expect(summary(runId)).toEqual([
      ["a", 1, "unstarted", null],
      ["a", 2, "done", 0],
      ["b", 1, "done", 0],
    ]);
    expect(ws.events().filter((e) => e.ev === "start" && e.key === "a")).toHaveLength(1);
  });

  it("declined by its launcher (the engine was gone): run again at once, even with the launcher alive", async () => {
    ws = new EngineWorkspace();
    const runId = crashedRun(pipeline(), 1, process.pid, [`n a.1 ${process.pid}`]);
    expect(await executeRun(ws.store, runId, settings())).toBe("success");
    expect(summary(runId)[0]).toEqual(["a", 1, "unstarted", null]);
  });

  it("started and ended while the engine was away: its success is kept, never run again", async () => {
    ws = new EngineWorkspace();
    const gone = deadPid();
    const runId = crashedRun(pipeline(), 1, gone, [`p a.1 ${gone}`, "x a.1 0"]);
    expect(await executeRun(ws.store, runId, settings())).toBe("success");
    expect(summary(runId)).toEqual([
      ["a", 1, "done", 0],
      ["b", 1, "done", 0],
    ]);
    expect(ws.events().filter((e) => e.key === "a")).toHaveLength(0);
    expect(ws.store.datasetEvents().map((e) => e.uri)).toEqual(["ds_a"]);
  });

  it("a task whose count is behind its recorded attempts gets a new number, never a duplicate", async () => {
    ws = new EngineWorkspace();
    const runId = crashedRun(pipeline(), 2, deadPid(), ["n a.2 1"]);
    ws.store.updateTask(runId, "a", { attempts: 0 }); // as an inconsistent older state may hold
    expect(await executeRun(ws.store, runId, settings())).toBe("success");
    expect(summary(runId).filter((a) => a[0] === "a")).toEqual([
      ["a", 2, "unstarted", null],
      ["a", 3, "done", 0],
    ]);
  });

  it("handed to a launcher that stays alive and says nothing: lost (it may have run), failed without retries", async () => {
    ws = new EngineWorkspace();
    const holder = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(holder);
    const runId = crashedRun(pipeline(), 1, holder.pid ?? 0, []);
    expect(await executeRun(ws.store, runId, settings())).toBe("failed");
    expect(summary(runId)).toEqual([["a", 1, "lost", null]]);
    expect(ws.events()).toHaveLength(0);
  }, 30_000);
});

describe("embedded engine: one process per run", () => {
  it("a second engine on a run that is being run is refused, naming the state file and the holder", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "a" }] });
    const runId = ws.store.createRun(p, new Date(), "manual", {});
    const first = executeRun(ws.store, runId, settings({ a: { sleep: 0.5 } }));
    const second = await executeRun(ws.store, runId, settings()).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RunHeldError);
    expect((second as Error).message).toMatch(
      new RegExp(
        `^error\\[bad_input\\]: ${ws.store.path}: run ${runId} is being run by another slo process \\(pid ${process.pid}, since \\S+\\); wait for it to end, or stop it first`,
      ),
    );
    expect(await first).toBe("success");
    expect(ws.events().filter((e) => e.ev === "start")).toHaveLength(1);
  });

  it("slo run --resume twice at once: the second exits 2; once the first is killed (-9), a resume takes over", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }],
      edges: [["a", "b"]],
    });
    const runId = ws.store.createRun(p, new Date(), "manual", {});
    const bin = resolve("dist/cli/bin.js");
    const args = [bin, "run", ws.dir, "--state", ws.store.path, "--resume", runId];
    const env = { ...process.env, SLO_RECORD: ws.record, STANDIN_PLAN: '{"a":{"sleep":1}}' };
    const first = spawn(process.execPath, args, { env, stdio: "ignore", timeout: 60_000 });
    children.push(first);
    for (let i = 0; i < 300 && !ws.events().some((e) => e.key === "a"); i++)
      await new Promise((r) => setTimeout(r, 50));
    const second = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 60_000 });
    expect(second.status).toBe(2);
    expect(second.stderr.trim().split("\n")).toHaveLength(1);
    expect(second.stderr).toContain(
      `${ws.store.path}: run ${runId} is being run by another slo process (pid ${first.pid}, since `,
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const third = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 60_000 });
    expect(third.stderr).not.toMatch(/error/);
    expect(third.status).toBe(0);
    expect(
      ws
        .events()
        .filter((e) => e.ev === "start")
        .map((e) => e.key),
    ).toEqual(["a", "b"]);
  }, 90_000);
});

describe("embedded engine: one process per run, with serve and the lock's folder", () => {
  it("slo serve leaves an unfinished run that another process holds to it, and says so", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "a" }] });
    const runId = ws.store.createRun(p, new Date(), "manual", {});
    const held = lockRun(ws.store.path, join(ws.dir, "logs"), runId);
    const skipped: string[] = [];
    const abort = new AbortController();
    try {
      const serving = serve(
        ws.store,
        [p],
        { ...settings(), signal: abort.signal },
        {
          tickMs: 50,
          onSkip: (_, why) => skipped.push(why),
        },
      );
      await new Promise((r) => setTimeout(r, 300));
      abort.abort();
      await serving;
    } finally {
      held.release();
    }
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toContain(
      `run ${runId} is being run by another slo process (pid ${process.pid}`,
    );
    expect(ws.store.run(runId)?.state).toBe("running");
    expect(ws.events()).toEqual([]);
  });

  it("a lock that cannot be made (the logs folder is a file) is bad input naming it", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "a" }] });
    writeFileSync(join(ws.dir, "logs"), "not a folder");
    const error = await runPipelines(ws.store, { pipelines: [p] }, settings()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    // the invocation's lock is the first one taken, in the transaction that records it
    expect((error as Error).message).toMatch(
      /logs\/invocations\/\d+\.lock: cannot make the lock: /,
    );
    expect(ws.store.runs()).toEqual([]);
    expect(ws.store.db.prepare("SELECT COUNT(*) AS n FROM invocations").get()).toEqual({ n: 0 });
  });

  it("a failure of ours in the middle of a run stops its attempts and fails the run, never leaves it running", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "a" }, { id: "b" }] });
    const error = await runPipelines(
      ws.store,
      { pipelines: [p] },
      {
        ...settings({ a: { sleep: 0.2 }, b: { sleep: 30 } }),
        onChange: (c) => {
          if (c.taskId === "a" && c.state === "success") throw new Error("a bug in a view");
        },
      },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe("a bug in a view");
    const [run] = ws.store.runs();
    expect(run?.state).toBe("failed");
    expect(ws.store.tasks(run?.id ?? "").map((t) => t.state)).toEqual(["failed", "failed"]);
    // b's command was stopped: it never logged its end
    expect(
      ws
        .events()
        .filter((e) => e.key === "b")
        .map((e) => e.ev),
    ).toEqual(["start"]);
  });
});

describe("embedded engine: what the system cannot run is refused before anything runs", () => {
  it("a NUL byte in an argument, a variable or SL_ROOT; a variable name with '='", async () => {
    ws = new EngineWorkspace();
    const base = testPipeline({
      root: ws.dir,
      tasks: [{ id: "start", command: undefined }, { id: "a" }],
    });
    const cases: Array<[Pipeline, RegExp]> = [
      [
        {
          ...base,
          tasks: [base.tasks[0], { ...base.tasks[1], command: ["load", "x\0y"] }],
        } as Pipeline,
        /^error\[bad_input\]: pipeline p, task a: argument 2 of its command holds a NUL byte \("x\\u0000y"\)/,
      ],
      [
        { ...base, environment: { ...base.environment, env: { A: "1\0" } } },
        /^error\[bad_input\]: pipeline p, task a: sl_env_var variable A holds a NUL byte/,
      ],
      [
        {
          ...base,
          environment: {
            ...base.environment,
            settings: { ...base.environment.settings, slRoot: `${ws.dir}\0x` },
          },
        },
        /^error\[bad_input\]: pipeline p, task a: SL_ROOT, the folder commands run in holds a NUL byte/,
      ],
      [
        { ...base, environment: { ...base.environment, env: { "A=B": "1" } } },
        /^error\[bad_input\]: pipeline p: sl_env_var variable "A=B": expected a name without "="/,
      ],
    ];
    for (const [pipeline, message] of cases) {
      expect(() => checkRunnable([pipeline], { baseEnv: {} })).toThrow(message);
      await expect(runPipelines(ws.store, { pipelines: [pipeline] }, settings())).rejects.toThrow(
        message,
      );
    }
    expect(ws.store.runs()).toEqual([]); // no run was created, none is left running
    expect(ws.events()).toEqual([]);
  });
});

describe("slo run: a NUL byte in a project", () => {
  // Reading the project refuses it first, at its place; the engine's own check (above) stays for
  // pipelines that do not come from a project (the builder, a state written by an older slo).
  it("exit 2 at the option's file:line:col; no run is created", async () => {
    ws = new EngineWorkspace();
    const project = join(ws.dir, "minimal");
    cpSync("examples/minimal", project, { recursive: true });
    const config = join(project, "metadata", "dags", "load.sl.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        `sl_env_var: '{"SL_ROOT": "{{SL_ROOT}}"}'`,
        'sl_env_var: "{\\"SL_ROOT\\": \\"{{SL_ROOT}}\\", \\"A\\": \\"x\\\\u0000y\\"}"',
      ),
    );
    const r = await runCli(["run", project, "--starlake", STAND_IN, "--state", ws.store.path]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^metadata\/dags\/load\.sl\.yml:\d+:\d+: error\[invalid_option\]: option sl_env_var: .*no NUL byte/,
    );
    expect(ws.store.runs()).toEqual([]);
  });
});

describe("embedded engine: delays longer than Node timers allow", () => {
  it("a wait beyond 2^31-1 ms waits (no timer firing at once, no overflow warning) until woken", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      let wake: () => void = () => {};
      let woken = false;
      const sleeping = sleepUntil(Date.now() + 1e12, true, (w) => {
        wake = w;
      }).then(() => {
        woken = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(woken).toBe(false);
      wake();
      await sleeping;
      expect(woken).toBe(true);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it("a retry delay of 30 years: the run waits for it (the loop does not spin) and stops on abort", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }],
      defaults: { retries: 1, retryDelay: 1e9 },
    });
    const abort = new AbortController();
    const changes: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    const running = runPipelines(
      ws.store,
      { pipelines: [p] },
      {
        ...settings({ a: { exit: 3 } }),
        signal: abort.signal,
        onChange: (c) => changes.push(`${c.state}:${c.note ?? ""}`),
      },
    );
    for (let i = 0; i < 200 && !changes.some((c) => c.includes("retry 1 of 1")); i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const [outcome] = await running;
    process.off("warning", onWarning);
    expect(outcome?.state).toBe("interrupted");
    expect(ws.events().filter((e) => e.ev === "start")).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
