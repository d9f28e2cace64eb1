// Controls asked of engine runs (slo cancel, mark, retry), on real processes: through the state
// while this process holds the run (its loop applies them), and applied by the asker when nobody
// holds it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { askControl, type ControlAsk } from "../../src/engine/control-request.js";
import { runPipelines } from "../../src/engine/engine.js";
import { withRetries } from "../../src/engine/local-overrides.js";
import { executeRun } from "../../src/engine/run-executor.js";
import { serve } from "../../src/engine/serve.js";
import { Slots } from "../../src/engine/slots.js";
import { ConfigError } from "../../src/errors.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { EngineWorkspace, stateOf, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
  ws?.close();
});

const settings = (plan: Record<string, unknown> = {}) => ({
  baseEnv: { PATH: process.env.PATH, SLO_RECORD: ws.record, STANDIN_PLAN: JSON.stringify(plan) },
  logsDir: join(ws.dir, "logs"),
  slots: new Slots(4),
});

/** Whether `pid` runs (a zombie, dead but not yet reaped by whoever adopted it, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (at most 20 s) until `ready` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (ready()) return;
    await pause(25);
  }
  throw new Error(`never happened: ${what}`);
}

/** A command that leaves a grandchild (its pid in `file`) in the attempt's process group. */
const grandchild = (file: string) => ({ shell: `sleep 120 & echo $! > ${file}; wait` });

/** Starts the pipeline in this process (the holder); resolves with the run's state. */
function start(p: Pipeline, plan: Record<string, unknown>) {
  const outcome = runPipelines(ws.store, { pipelines: [p] }, settings(plan));
  return outcome.then((o) => o[0]?.state);
}

const runId = () => ws.store.runs(1)[0]?.id ?? "";
const ask = (a: Omit<ControlAsk, "runId">) =>
  askControl(ws.store, join(ws.dir, "logs"), { runId: runId(), ...a }, 20_000);
const started = (key: string) => ws.events().some((e) => e.key === key && e.ev === "start");
const ended = (key: string) => ws.events().some((e) => e.key === key && e.ev === "end");
const task = (id: string) => ws.store.tasks(runId()).find((t) => t.taskId === id);

describe("run controls while this process runs the run (through the state)", () => {
  it("cancel stops the attempt's whole process group and the run ends cancelled", async () => {
    ws = new EngineWorkspace();
    const pidFile = join(ws.dir, "grandchild.pid");
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }, { id: "c" }],
      edges: [["a", "b"]],
    });
    const done = start(p, { a: grandchild(pidFile), c: { sleep: 120 } });
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), "a");
    const sleeper = Number(readFileSync(pidFile, "utf8"));
    pids.push(sleeper);
    await until(() => started("c"), "c starts");
    const answer = await ask({ taskId: null, action: "cancel" });
    expect(answer.said).toMatch(/^cancelled \(by pid \d+, which runs it\)$/);
    expect(await done).toBe("cancelled");
    expect(ws.store.run(runId())?.state).toBe("cancelled");
    expect(stateOf(ws.store.tasks(runId()))).toEqual({ a: "failed", b: "skipped", c: "failed" });
    expect(task("b")?.note).toBe("cancelled");
    expect(alive(sleeper)).toBe(false); // the grandchild went with its group, before the run ended
    expect(ended("c")).toBe(false);
    expect(started("b")).toBe(false);
    // every attempt is recorded as ended, none left running
    expect(ws.store.attempts(runId()).every((a) => a.state !== "running")).toBe(true);
  }, 60_000);

  it("mark success of a running task stops it and its downstream runs; mark failed of a queued one fails its downstream", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }, { id: "e" }],
      edges: [
        ["a", "b"],
        ["c", "d"],
        ["d", "e"],
      ],
    });
    const done = start(p, { a: { sleep: 120 }, c: { sleep: 1.5 } });
    await until(() => started("a") && started("c"), "a and c start");
    expect((await ask({ taskId: "d", action: "mark_failed" })).said).toMatch(/^marked failed/);
    expect((await ask({ taskId: "a", action: "mark_success" })).said).toMatch(/^marked success/);
    expect(await done).toBe("failed");
    expect(stateOf(ws.store.tasks(runId()))).toEqual({
      a: "success",
      b: "success",
      c: "success",
      d: "failed",
      e: "upstream_failed",
    });
    expect(task("a")?.note).toBe("marked success");
    expect(ended("a")).toBe(false); // stopped, not run to its end
    expect(started("b")).toBe(true);
    expect(started("d")).toBe(false); // marked before it ran: never started
    expect(ws.store.attempts(runId(), "a").map((x) => x.state)).toEqual(["done"]);
  }, 60_000);

  it("retry runs a task waiting 300 s for its retry now, and a refused control is bad input", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }],
      edges: [["a", "b"]],
      defaults: { retries: 1, retryDelay: 300 },
    });
    const done = start(p, { a: { failFirst: 1 } });
    await until(() => (task("a")?.failures ?? 0) === 1, "a fails once");
    expect(task("a")?.notBefore ?? 0).toBeGreaterThan(Date.now() + 200_000);
    const refused = await ask({ taskId: "b", action: "retry" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toContain(
      "task b is queued, not waiting for a retry; only a failed task, or one waiting for its retry, can be retried",
    );
    expect((await ask({ taskId: "a", action: "retry" })).said).toMatch(/^queued to run now/);
    expect(await done).toBe("success");
    expect(ws.store.attempts(runId(), "a").map((x) => x.exitCode)).toEqual([1, 0]);
  }, 60_000);
});

describe("run controls while slo serve runs the run", () => {
  it("serve applies retry-now and cancel to a run it resumed", async () => {
    ws = new EngineWorkspace();
    const pidFile = join(ws.dir, "grandchild.pid");
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }, { id: "c" }],
      edges: [["a", "b"]],
      defaults: { retries: 1, retryDelay: 300 },
    });
    // an unfinished run, which serve resumes first
    ws.store.createRun(p, new Date("2026-03-02T06:00:00Z"), "manual", {});
    const abort = new AbortController();
    const serving = serve(
      ws.store,
      [p],
      { ...settings({ a: { failFirst: 1 }, c: grandchild(pidFile) }), signal: abort.signal },
      { tickMs: 50 },
    );
    try {
      await until(() => (task("a")?.failures ?? 0) === 1, "a fails once and waits 300 s");
      expect((await ask({ taskId: "a", action: "retry" })).said).toMatch(/^queued to run now/);
      await until(() => task("b")?.state === "success", "a then b succeed");
      await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), "c");
      const sleeper = Number(readFileSync(pidFile, "utf8"));
      pids.push(sleeper);
      expect((await ask({ taskId: null, action: "cancel" })).said).toMatch(/^cancelled/);
      expect(ws.store.run(runId())?.state).toBe("cancelled");
      expect(alive(sleeper)).toBe(false);
      expect(stateOf(ws.store.tasks(runId()))).toEqual({ a: "success", b: "success", c: "failed" });
    } finally {
      abort.abort();
      await serving;
    }
  }, 60_000);
});

describe("run controls on a run nobody holds (applied by the asker)", () => {
  it("mark success of a failed task reopens the run; resumed, its downstream runs", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }, { id: "c" }],
      edges: [
        ["a", "b"],
        ["b", "c"],
      ],
    });
    expect(await start(p, { a: { exit: 3 } })).toBe("failed");
    expect(stateOf(ws.store.tasks(runId()))).toEqual({
      a: "failed",
      b: "upstream_failed",
      c: "upstream_failed",
    });
    const answer = await ask({ taskId: "a", action: "mark_success" });
    expect(answer).toEqual({ said: "marked success", resumable: true });
    expect(ws.store.run(runId())?.state).toBe("running");
    expect(await executeRun(ws.store, runId(), settings())).toBe("success");
    expect(
      ws
        .events()
        .filter((e) => e.ev === "start")
        .map((e) => e.key),
    ).toEqual(["a", "b", "c"]);
  }, 60_000);

  it("retry of a failed task gives it one more try; cancel of an ended run is refused", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }],
      edges: [["a", "b"]],
    });
    expect(await start(p, { a: { failFirst: 1 } })).toBe("failed");
    await ask({ taskId: "a", action: "retry" });
    expect(await executeRun(ws.store, runId(), settings({ a: { failFirst: 1 } }))).toBe("success");
    expect(ws.store.attempts(runId(), "a").map((x) => x.exitCode)).toEqual([1, 0]);
    const refused = await ask({ taskId: null, action: "cancel" }).catch((e: unknown) => e);
    expect((refused as Error).message).toBe(
      `error[bad_input]: run ${runId()}: the run already ended success`,
    );
  }, 60_000);

  it("--retries overrides the plan's retries (0: one try), recorded with the run for its resume", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a", retries: 3 }],
      defaults: { retries: 2, retryDelay: 0 },
    });
    const zero = withRetries(p, 0);
    expect(zero.defaults.retries).toBe(0);
    expect(zero.tasks[0]?.retries).toBe(0);
    const outcome = await runPipelines(
      ws.store,
      { pipelines: [p] },
      { ...settings({ a: { exit: 1 } }), retries: 0 },
    );
    expect(outcome[0]?.state).toBe("failed");
    expect(ws.store.attempts(runId(), "a")).toHaveLength(1);
    expect(ws.store.runPlan(runId())?.pipeline.tasks[0]?.retries).toBe(0);
  }, 60_000);
});
