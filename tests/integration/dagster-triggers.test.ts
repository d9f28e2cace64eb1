import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { testPipeline } from "../helpers/engine.js";

/** Trigger rules of joins in Dagster: all_success skips after a skipped upstream, the other runs. */
let dg: DagsterWorkspace;
beforeAll(() => {
  dg = new DagsterWorkspace();
  const p = testPipeline({
    id: "joins",
    root: "/unused",
    tasks: [
      {
        id: "check_a",
        kind: "preload",
        command: ["preload", "--domain", "a", "--tables", "t", "--strategy", "pending"],
        gate: { strategy: "pending" },
      },
      { id: "load_a", command: ["load", "--domains", "a", "--tables", "t"] },
      { id: "load_b", command: ["load", "--domains", "b", "--tables", "t"] },
      { id: "join_all", kind: "empty", command: undefined },
      { id: "join_any", kind: "empty", command: undefined, trigger: "none_failed_min_one_success" },
    ],
    edges: [
      ["check_a", "load_a"],
      ["load_a", "join_all"],
      ["load_b", "join_all"],
      ["load_a", "join_any"],
      ["load_b", "join_any"],
    ],
  });
  dg.setUpPipelines([p]);
}, 900_000);
afterAll(() => dg.tearDown());

describe("trigger rules in real Dagster 1.13", () => {
  it("both branches load: both joins run", () => {
    const r = dg.runJob("joins");
    expect(r.success).toBe(true);
    expect(r.steps).toMatchObject({ join_all: "STEP_SUCCESS", join_any: "STEP_SUCCESS" });
  });

  it("nothing to load on one branch: all_success is skipped, none_failed_min_one_success runs", () => {
    const r = dg.runJob("joins", {}, { "preload:a": 1 });
    expect(r.success).toBe(true);
    expect(r.steps).toMatchObject({
      load_a: "STEP_SKIPPED",
      load_b: "STEP_SUCCESS",
      join_all: "STEP_SKIPPED",
      join_any: "STEP_SUCCESS",
    });
  });
});
