// The pure part of the run controls: what cancel, mark and retry do to a run's tasks.
import { describe, expect, it } from "vitest";
import { controlEffect } from "../../src/engine/run-control.js";
import type { TaskRow } from "../../src/engine/state-store.js";
import type { TaskState } from "../../src/engine/trigger.js";
import { testPipeline } from "../helpers/engine.js";

const NOW = Date.parse("2026-03-02T06:00:00Z");
const p = testPipeline({
  root: "/nowhere",
  tasks: [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }],
  edges: [
    ["a", "b"],
    ["b", "c"],
    ["a", "d"],
  ],
});

function rows(states: Record<string, TaskState>, extra: Partial<TaskRow> = {}) {
  return new Map(
    Object.entries(states).map(([taskId, state]) => [
      taskId,
      {
        runId: "r",
        taskId,
        state,
        attempts: 1,
        failures: 0,
        notBefore: 0,
        firstStart: null,
        note: null,
        startedAt: null,
        finishedAt: null,
        ...(taskId === "a" ? extra : {}),
      } satisfies TaskRow,
    ]),
  );
}

const changed = (e: ReturnType<typeof controlEffect>) =>
  "refused" in e ? e : Object.fromEntries(e.changes.map((c) => [c.taskId, c.change.state ?? "-"]));

describe("run controls: their effect", () => {
  it("cancel fails what runs, skips what waits, stops the running; refused once the run ended", () => {
    const run = rows({ a: "success", b: "running", c: "queued", d: "failed" });
    const e = controlEffect(p, run, "running", { action: "cancel", taskId: null }, NOW);
    expect(changed(e)).toEqual({ b: "failed", c: "skipped" });
    expect(e).toMatchObject({ stop: ["b"], runState: "cancelled" });
    expect(controlEffect(p, run, "failed", { action: "cancel", taskId: null }, NOW)).toEqual({
      refused: "the run already ended failed",
    });
  });

  it("mark success queues again what its failure failed downstream, and reopens an ended run", () => {
    const run = rows({ a: "failed", b: "upstream_failed", c: "upstream_failed", d: "success" });
    const e = controlEffect(p, run, "failed", { action: "mark_success", taskId: "a" }, NOW);
    expect(changed(e)).toEqual({ a: "success", b: "queued", c: "queued" });
    expect(e).toMatchObject({ stop: [], runState: "running", said: "marked success" });
  });

  it("mark failed changes only the task (its downstream fails as it runs), stopping it if it runs", () => {
    const run = rows({ a: "running", b: "queued", c: "queued", d: "queued" });
    const e = controlEffect(p, run, "running", { action: "mark_failed", taskId: "a" }, NOW);
    expect(changed(e)).toEqual({ a: "failed" });
    expect(e).toMatchObject({ stop: ["a"] });
    expect("runState" in e && e.runState).toBe(false);
  });

  it("retry: a failed task is queued now, a waiting one loses its wait, any other is refused", () => {
    const failed = rows({ a: "failed", b: "upstream_failed", c: "upstream_failed", d: "queued" });
    const e = controlEffect(p, failed, "running", { action: "retry", taskId: "a" }, NOW);
    expect(changed(e)).toEqual({ a: "queued", b: "queued", c: "queued" });
    const waiting = rows(
      { a: "queued", b: "queued", c: "queued", d: "queued" },
      {
        notBefore: NOW + 300_000,
        failures: 1,
      },
    );
    const w = controlEffect(p, waiting, "running", { action: "retry", taskId: "a" }, NOW);
    expect("changes" in w && w.changes).toEqual([
      { taskId: "a", change: { notBefore: 0, note: "retry asked now" } },
    ]);
    expect(controlEffect(p, waiting, "running", { action: "retry", taskId: "b" }, NOW)).toEqual({
      refused:
        "task b is queued, not waiting for a retry; only a failed task, or one waiting for its retry, can be retried",
    });
    expect(controlEffect(p, waiting, "running", { action: "retry", taskId: "x" }, NOW)).toEqual({
      refused: "the run has no task x",
    });
    expect(controlEffect(p, failed, "cancelled", { action: "retry", taskId: "a" }, NOW)).toEqual({
      refused: "the run was cancelled",
    });
  });
});
