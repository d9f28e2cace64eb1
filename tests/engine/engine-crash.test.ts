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
    ? execFileSync("sh", ["-c", `pgrep -P ${child.pid} || true`], { encoding: "utf8" })
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
  it("SIGKILLed at 24 moments, every run resumes to the end without running a task twice", async () => {
    await crashes(moments(20261122, 24, 1400), false);
  });

  it("SIGKILLed with its launcher at 16 moments: the attempts' waiters still record every outcome", async () => {
    await crashes(moments(20261201, 16, 1400), true);
  });
});

/** Kills the engine (and its launcher) at each pair of moments, resumes, and checks the run. */
async function crashes(kills: number[], withLauncher: boolean): Promise<void> {
  ws = new EngineWorkspace();
  const pipeline = testPipeline({
    root: ws.dir,
    tasks: TASKS.map((id) => ({ id, produces: `ds_${id}` })),
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
    await new Promise((r) => setTimeout(r, 150 + (kills[i] as number)));
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
    expect(starts.map((e) => e.key).sort(), runId).toEqual(TASKS);
    const events = ws.store.datasetEvents().filter((e) => e.runId === runId);
    expect(events.map((e) => e.uri).sort(), runId).toEqual(TASKS.map((t) => `ds_${t}`));
  }
  expect(runs.length).toBeGreaterThanOrEqual(kills.length / 2 - 2);
  expect(interrupted).toBeGreaterThanOrEqual((kills.length * 5) / 8);
}
