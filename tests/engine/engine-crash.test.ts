import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EngineWorkspace, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
afterEach(() => ws?.close());

/** Deterministic "random" moments, so a failure can be replayed. */
function moments(seed: number, n: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % max;
  });
}

/** Kills an engine with SIGKILL; with `launcher`, its bash launcher too (its children, at once). */
function killEngine(child: ChildProcess, launcher: boolean): void {
  const children = launcher
    ? execFileSync("sh", ["-c", `pgrep -P ${child.pid} || true`], {
        encoding: "utf8",
        timeout: 10_000,
      })
        .split("\n")
        .filter((l) => l.length > 0)
        .map(Number)
    : [];
  child.kill("SIGKILL");
  for (const pid of children) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

function engine(args: string[], record: string): ChildProcess {
  return spawn(process.execPath, ["tests/engine/crash-child.mjs", ...args], {
    env: { ...process.env, SLO_RECORD: record, STANDIN_PLAN: PLAN },
    stdio: "ignore",
    timeout: 120_000,
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

const TASKS = ["a", "b", "c", "d", "e", "f", "g", "h"];
const PLAN = JSON.stringify(
  Object.fromEntries(TASKS.map((t, i) => [t, { sleep: 0.05 + (i % 3) * 0.1 }])),
);

describe("embedded engine: crashes", () => {
  it("SIGKILLed at 16 moments, every run resumes to the end without running a task twice", async () => {
    await crashes(moments(20261122, 16, 1400), false);
  });

  it("SIGKILLed with its launchers at 12 moments: an attempt whose launcher died is lost and retried, never one that succeeded", async () => {
    await crashes(moments(20261201, 12, 1400), true);
  });
});

/**
 * Kills the engine (and its launchers) at each pair of moments, resumes, and checks the run. With
 * its launchers killed, the exit code of an attempt that was running is lost: the task is retried
 * (two retries, for the two kills), but a task is never started again once one of its attempts
 * succeeded.
 */
async function crashes(kills: number[], withLauncher: boolean): Promise<void> {
  ws = new EngineWorkspace();
  const pipeline = testPipeline({
    root: ws.dir,
    tasks: TASKS.map((id) => ({ id, produces: `ds_${id}` })),
    defaults: withLauncher ? { retries: 2 } : {},
    // a fan-out, a join and a chain
    edges: [
      ["a", "b"],
      ["a", "c"],
      ["a", "d"],
      ["b", "e"],
      ["c", "e"],
      ["d", "e"],
      ["e", "f"],
      ["f", "g"],
      ["g", "h"],
    ],
  });
  const planFile = join(ws.dir, "pipeline.json");
  writeFileSync(planFile, JSON.stringify(pipeline));
  const state = join(ws.dir, "state.db");
  const runs: string[] = [];
  let interrupted = 0; // kills that left a run unfinished
  for (let i = 0; i < kills.length; i += 2) {
    const record = join(ws.dir, `record-${i}.jsonl`);
    const before = new Set(ws.store.runs(1000).map((r) => r.id));
    const first = engine(["new", state, planFile], record);
    // the moment counts from the run's creation (a loaded machine starts Node slowly); the
    // first pair kills earlier, while it starts, to keep that moment covered too
    if (i > 0)
      for (let n = 0; n < 400 && first.exitCode === null; n++) {
        if (ws.store.runs(1000).some((r) => !before.has(r.id))) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    await new Promise((r) => setTimeout(r, (i > 0 ? 0 : 150) + (kills[i] as number)));
    killEngine(first, withLauncher);
    await exited(first);
    const runId = ws.store.runs(1000).find((r) => !before.has(r.id))?.id;
    if (runId === undefined) continue; // killed before the run was created: nothing to resume
    runs.push(runId);
    if (ws.store.run(runId)?.state === "running") interrupted++;
    const second = engine(["resume", state, runId], record);
    await new Promise((r) => setTimeout(r, kills[i + 1] as number));
    killEngine(second, withLauncher);
    await exited(second);
    if (ws.store.run(runId)?.state === "running") interrupted++;
    const last = engine(["resume", state, runId], record);
    await exited(last);
    expect(ws.store.run(runId)?.state, runId).toBe("success");
    const starts = ws.events(record).filter((e) => e.ev === "start");
    if (!withLauncher) expect(starts.map((e) => e.key).sort(), runId).toEqual(TASKS);
    else
      for (const task of TASKS) {
        const attempts = ws.store.attempts(runId, task);
        // every attempt but the last was lost; the last succeeded; no attempt started twice
        expect(
          attempts.slice(0, -1).map((a) => a.state),
          `${runId} ${task}`,
        ).toEqual(attempts.slice(0, -1).map(() => "lost"));
        expect(attempts.at(-1)?.exitCode, `${runId} ${task}`).toBe(0);
        const started = starts.filter((e) => e.key === task).length;
        expect(started, `${runId} ${task}`).toBeGreaterThanOrEqual(1);
        expect(started, `${runId} ${task}`).toBeLessThanOrEqual(attempts.length);
      }
    const events = ws.store.datasetEvents().filter((e) => e.runId === runId);
    expect(events.map((e) => e.uri).sort(), runId).toEqual(TASKS.map((t) => `ds_${t}`));
  }
  expect(runs.length).toBeGreaterThanOrEqual(kills.length / 2 - 2);
  expect(interrupted).toBeGreaterThanOrEqual((kills.length * 5) / 8);
}
