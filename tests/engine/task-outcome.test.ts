import { describe, expect, it } from "vitest";
import type { TaskRow } from "../../src/engine/state-store.js";
import {
  afterFailure,
  afterNotReady,
  NOTHING_TO_LOAD,
  seenState,
} from "../../src/engine/task-outcome.js";
import { testPipeline } from "../helpers/engine.js";

const row = (change: Partial<TaskRow> = {}): TaskRow => ({
  runId: "r",
  taskId: "t",
  state: "running",
  attempts: 1,
  failures: 0,
  notBefore: 0,
  firstStart: 1_000_000,
  note: null,
  startedAt: null,
  finishedAt: null,
  ...change,
});

const pipeline = testPipeline({
  root: "/tmp",
  tasks: [{ id: "t" }],
  defaults: { retries: 2, retryDelay: 30 },
});
const task = pipeline.tasks[0] as (typeof pipeline.tasks)[number];

describe("what follows an attempt's end", () => {
  it("a failure is retried after the delay until the retries are spent, then fails", () => {
    expect(afterFailure(task, pipeline, row(), "exit code 3", 5_000)).toEqual({
      state: "queued",
      failures: 1,
      notBefore: 35_000,
      note: "exit code 3; retry 1 of 2 in 30 s",
    });
    expect(afterFailure(task, pipeline, row({ failures: 2 }), "exit code 3", 5_000)).toEqual({
      state: "failed",
      failures: 3,
      note: "exit code 3",
      finishedAt: new Date(5_000).toISOString(),
    });
  });

  it("a task's own retries win over the pipeline's", () => {
    const once = { ...task, retries: 0 };
    expect(afterFailure(once, pipeline, row(), "exit code 1", 0).state).toBe("failed");
  });

  it("a sensor pokes again while the next poke is within its timeout, counted from the first", () => {
    const sensor = { pokeInterval: 60, timeout: 300, softFail: true };
    const started = 1_000_000;
    expect(afterNotReady(sensor, row(), started + 180_000)).toEqual({
      state: "queued",
      notBefore: started + 240_000,
      note: "nothing to load yet",
    });
    const last = afterNotReady(sensor, row(), started + 240_000);
    expect(last).toMatchObject({ state: "skipped", note: "nothing to load within 300 s" });
    expect(afterNotReady({ ...sensor, softFail: false }, row(), started + 240_000).state).toBe(
      "failed",
    );
  });

  it("a check that found nothing counts as skipped downstream; other states as they are", () => {
    expect(seenState(row({ state: "success", note: NOTHING_TO_LOAD }))).toBe("skipped");
    expect(seenState(row({ state: "success" }))).toBe("success");
    expect(seenState(row({ state: "failed", note: NOTHING_TO_LOAD }))).toBe("failed");
  });
});
