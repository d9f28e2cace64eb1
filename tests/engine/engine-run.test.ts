import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineWorkspace, peakOverlap, stateOf, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
afterEach(() => ws?.close());

// attempts go through the run's bash launcher, or (no bash, or SLO_LAUNCHER=spawn) a wrapper each
describe.each(["launcher", "spawn"])("embedded engine: a run (%s)", (mode) => {
  beforeEach(() => {
    if (mode === "spawn") process.env.SLO_LAUNCHER = "spawn";
  });
  afterEach(() => {
    delete process.env.SLO_LAUNCHER;
  });

  it("starts no task before its upstreams succeeded, and records dataset events once", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [
        { id: "start", kind: "start", command: undefined },
        { id: "a", produces: "d_a" },
        { id: "b", produces: "d_b" },
        { id: "c" },
        { id: "d", produces: "d_d" },
        { id: "end", kind: "end", command: undefined, produces: "p" },
      ],
      edges: [
        ["start", "a"],
        ["a", "b"],
        ["a", "c"],
        ["b", "d"],
        ["c", "d"],
        ["d", "end"],
      ],
    });
    // b waits for c to start: the two run side by side whatever the machine's load
    const plan = { a: { sleep: 0.2 }, b: { waitFor: "c" }, c: { sleep: 0.1 }, d: { sleep: 0.1 } };
    const { states } = await ws.run([p], { plan });
    expect(states[0]?.state).toBe("success");
    expect(new Set(Object.values(stateOf(states[0]?.tasks ?? [])))).toEqual(new Set(["success"]));
    const events = ws.events();
    const at = (key: string, ev: string) => events.find((e) => e.key === key && e.ev === ev)?.t;
    for (const [from, to] of [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ] as const)
      expect(at(from, "end") as number).toBeLessThanOrEqual(at(to, "start") as number);
    // b and c ran side by side
    expect(peakOverlap(events)).toBe(2);
    expect(ws.store.datasetEvents().map((e) => e.uri)).toEqual(["d_a", "d_b", "d_d", "p"]);
  });

  it("a failure gives upstream_failed downstream, other branches finish, the run fails", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({
      root: ws.dir,
      tasks: [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }, { id: "e" }],
      edges: [
        ["a", "b"],
        ["a", "c"],
        ["b", "d"],
        ["d", "e"],
      ],
    });
    const { states } = await ws.run([p], { plan: { b: { exit: 3 } } });
    expect(states[0]?.state).toBe("failed");
    expect(stateOf(states[0]?.tasks ?? [])).toEqual({
      a: "success",
      b: "failed",
      c: "success",
      d: "upstream_failed",
      e: "upstream_failed",
    });
    expect(states[0]?.tasks.find((t) => t.taskId === "b")?.note).toBe("exit code 3");
    expect(
      ws
        .events()
        .filter((e) => e.ev === "start")
        .map((e) => e.key)
        .sort(),
    ).toEqual(["a", "b", "c"]);
  });

  it("retries a failing task with its delay, then succeeds or fails for good", async () => {
    ws = new EngineWorkspace();
    const tasks = [{ id: "flaky" }, { id: "broken" }];
    const p = testPipeline({ root: ws.dir, tasks, defaults: { retries: 2, retryDelay: 1 } });
    const { states } = await ws.run([p], {
      plan: { flaky: { failFirst: 2 }, broken: { exit: 5 } },
    });
    const rows = Object.fromEntries((states[0]?.tasks ?? []).map((t) => [t.taskId, t]));
    expect(rows.flaky?.state).toBe("success");
    expect(rows.flaky?.attempts).toBe(3);
    expect(rows.broken?.state).toBe("failed");
    expect(rows.broken?.attempts).toBe(3);
    const starts = ws
      .events()
      .filter((e) => e.ev === "start" && e.key === "flaky")
      .map((e) => e.t);
    expect(starts).toHaveLength(3);
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(0.95);
  });

  it("a task stopped and continued from outside ends with its own exit code, not as stopped", async () => {
    ws = new EngineWorkspace();
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "a" }] });
    let stopped = false;
    const stopper = setInterval(() => {
      const start = ws.events().find((e) => e.ev === "start");
      if (stopped || start === undefined) return;
      stopped = true;
      process.kill(start.pid, "SIGSTOP");
      setTimeout(() => process.kill(start.pid, "SIGCONT"), 1200);
    }, 20);
    const { states } = await ws.run([p], { plan: { a: { sleep: 0.3, exit: 3 } } });
    clearInterval(stopper);
    expect(stopped).toBe(true);
    const [start, end] = ["start", "end"].map((ev) => ws.events().find((e) => e.ev === ev));
    expect((end?.t ?? 0) - (start?.t ?? 0)).toBeGreaterThan(1.2);
    const attempts = ws.store.attempts(states[0]?.runId ?? "");
    expect(attempts.map((a) => [a.state, a.exitCode])).toEqual([["done", 3]]);
  });

  it("a timeout kills the whole process group, grandchildren included", async () => {
    ws = new EngineWorkspace();
    const pids = join(ws.dir, "pids");
    const p = testPipeline({ root: ws.dir, tasks: [{ id: "hang", timeout: 1 }] });
    const shell = `sleep 100 & echo $! >> ${pids}; echo $$ >> ${pids}; sleep 100`;
    const { states } = await ws.run([p], { plan: { hang: { shell } } });
    const row = states[0]?.tasks[0];
    expect(row?.state).toBe("failed");
    expect(row?.note).toBe("timed out after 1 s");
    const started = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    expect(started).toHaveLength(2);
    const alive = started.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    // nothing left with the command line either
    const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(ps).not.toContain(pids);
  });

  // only the launcher has a launcher to kill: the test is not registered for the spawn variant
  if (mode === "launcher")
    it("a launcher killed mid-run: its attempt is lost once its process ends, then retried; the next ones get a new launcher", async () => {
      ws = new EngineWorkspace();
      const tasks = [{ id: "a" }, { id: "b" }, { id: "c" }];
      const p = testPipeline({
        root: ws.dir,
        tasks,
        edges: [
          ["a", "b"],
          ["b", "c"],
        ],
        defaults: { retries: 1 },
      });
      let killed: number | undefined;
      const killer = setInterval(() => {
        if (killed !== undefined || !ws.events().some((e) => e.ev === "start" && e.key === "a"))
          return;
        // the launcher is our child whose command line names this workspace
        const found = execFileSync("sh", ["-c", `pgrep -P ${process.pid} -f ${ws.dir} || true`], {
          encoding: "utf8",
        }).trim();
        killed = Number(found.split("\n")[0]);
        if (killed > 0) process.kill(killed, "SIGKILL");
      }, 20);
      const { states } = await ws.run([p], { plan: { a: { sleep: 0.6 } } });
      clearInterval(killer);
      expect(killed).toBeGreaterThan(0);
      expect(states[0]?.state).toBe("success");
      const events = ws.events();
      expect(events.filter((e) => e.ev === "start").map((e) => e.key)).toEqual([
        "a",
        "a",
        "b",
        "c",
      ]);
      // the retry started after the first process had ended: never two at once
      const [firstEnd, secondStart] = [
        events.find((e) => e.ev === "end" && e.key === "a"),
        events.filter((e) => e.ev === "start" && e.key === "a")[1],
      ];
      expect(secondStart?.t).toBeGreaterThan(firstEnd?.t ?? Number.POSITIVE_INFINITY);
      const attempts = ws.store.attempts(states[0]?.runId ?? "");
      expect(attempts.map((a) => [a.taskId, a.attempt, a.state, a.exitCode])).toEqual([
        ["a", 1, "lost", null],
        ["a", 2, "done", 0],
        ["b", 1, "done", 0],
        ["c", 1, "done", 0],
      ]);
    });

  it("holds the pool's slots and the global cap", async () => {
    ws = new EngineWorkspace();
    const tasks = Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, pool: "narrow" }));
    // Tasks that wait for others to start overlap whatever the machine's load: t0 and t1 (two in
    // the pool); then t0, t1 and t2 (three under the cap)
    const plan: Record<string, object> = Object.fromEntries(
      tasks.map((t) => [t.id, { sleep: 0.4 }]),
    );
    const pooled = await ws.run([testPipeline({ root: ws.dir, tasks })], {
      plan: { ...plan, t0: { waitFor: "t1" } },
      concurrency: 5,
      pools: { narrow: 2 },
    });
    expect(peakOverlap(ws.events())).toBe(2);
    expect(pooled.slots.peak.pools.get("narrow")).toBe(2);
    ws.close();
    ws = new EngineWorkspace();
    const free = tasks.map((t) => ({ id: t.id }));
    const capped = await ws.run([testPipeline({ root: ws.dir, tasks: free })], {
      plan: { ...plan, t0: { waitFor: "t2" }, t1: { waitFor: "t2" } },
      concurrency: 3,
    });
    expect(peakOverlap(ws.events())).toBe(3);
    expect(capped.slots.peak.all).toBe(3);
  });
});

describe("embedded engine: pre-load gating", () => {
  const gated = (
    root: string,
    sensor?: { pokeInterval: number; timeout: number; softFail: boolean },
  ) =>
    testPipeline({
      root,
      tasks: [
        {
          id: "check",
          kind: "preload",
          command: ["preload", "--domain", "shop", "--tables", "a,b", "--strategy", "imported"],
          gate: { strategy: "imported", ...(sensor ? { sensor } : {}) },
        },
        { id: "stage", kind: "stage", command: ["stage", "--domains", "shop", "--tables", "a,b"] },
        { id: "a", produces: "shop_a" },
        { id: "b", produces: "shop_b" },
        { id: "end", kind: "end", command: undefined, trigger: "none_failed_min_one_success" },
      ],
      edges: [
        ["check", "stage"],
        ["stage", "a"],
        ["stage", "b"],
        ["a", "end"],
        ["b", "end"],
      ],
    });

  it("files present: stages and loads", async () => {
    ws = new EngineWorkspace();
    const { states } = await ws.run([gated(ws.dir)]);
    expect(states[0]?.state).toBe("success");
    expect(
      ws
        .events()
        .filter((e) => e.ev === "start")
        .map((e) => e.verb),
    ).toEqual(["preload", "stage", "load", "load"]);
  });

  it("nothing to load: the loads and stage are skipped and the run succeeds", async () => {
    ws = new EngineWorkspace();
    const { states } = await ws.run([gated(ws.dir)], { plan: { "preload:a,b": { exit: 1 } } });
    expect(states[0]?.state).toBe("success");
    expect(stateOf(states[0]?.tasks ?? [])).toEqual({
      check: "success",
      stage: "skipped",
      a: "skipped",
      b: "skipped",
      end: "skipped",
    });
    expect(states[0]?.tasks[0]?.note).toBe("nothing to load");
    expect(ws.store.datasetEvents()).toEqual([]);
  });

  it("a real error of the check fails the run", async () => {
    ws = new EngineWorkspace();
    const { states } = await ws.run([gated(ws.dir)], { plan: { "preload:a,b": { exit: 2 } } });
    expect(states[0]?.state).toBe("failed");
    expect(stateOf(states[0]?.tasks ?? []).check).toBe("failed");
    expect(stateOf(states[0]?.tasks ?? []).a).toBe("upstream_failed");
  });

  it("sensor mode pokes until ready; on timeout soft fail skips, hard fail fails", async () => {
    ws = new EngineWorkspace();
    const sensor = { pokeInterval: 0.3, timeout: 5, softFail: false };
    const ready = await ws.run([gated(ws.dir, sensor)], {
      plan: { "preload:a,b": { failFirst: 2 } },
    });
    expect(ready.states[0]?.state).toBe("success");
    expect(ready.states[0]?.tasks[0]?.attempts).toBe(3);
    expect(ws.events().filter((e) => e.verb === "load" && e.ev === "start")).toHaveLength(2);
    ws.close();
    ws = new EngineWorkspace();
    const never = { "preload:a,b": { exit: 1 } };
    const soft = await ws.run([gated(ws.dir, { ...sensor, timeout: 1, softFail: true })], {
      plan: never,
    });
    expect(soft.states[0]?.state).toBe("success");
    expect(stateOf(soft.states[0]?.tasks ?? []).check).toBe("skipped");
    expect(stateOf(soft.states[0]?.tasks ?? []).a).toBe("skipped");
    const hard = await ws.run([gated(ws.dir, { ...sensor, timeout: 1 })], { plan: never });
    expect(hard.states[0]?.state).toBe("failed");
    expect(hard.states[0]?.tasks[0]?.note).toBe("nothing to load within 1 s");
  });
});
