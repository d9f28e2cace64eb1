import { describe, expect, it } from "vitest";
import { PipelineBuilder } from "../../src/builder/pipeline-builder.js";
import type { DatasetSchedule, TriggerExpression } from "../../src/pipeline/schedule.js";
import {
  conditionDatasets,
  conditionHolds,
  conditionProblem,
  conditionText,
  triggerCondition,
} from "../../src/pipeline/trigger-condition.js";

const ds = (uri: string): TriggerExpression => ({ kind: "dataset", uri });
const schedule = (strategy: DatasetSchedule["strategy"], datasets = ["a", "b", "c"]) =>
  ({ kind: "datasets", datasets, strategy }) as const;
const expression: TriggerExpression = {
  kind: "or",
  of: [{ kind: "and", of: [ds("a"), { kind: "or", of: [ds("b"), ds("c")] }] }, ds("d")],
};

describe("trigger conditions", () => {
  it("write any and all out as the or and the and of the datasets; one dataset is itself", () => {
    expect(triggerCondition(schedule("any"))).toEqual({
      kind: "or",
      of: [ds("a"), ds("b"), ds("c")],
    });
    expect(triggerCondition(schedule("all"))).toEqual({
      kind: "and",
      of: [ds("a"), ds("b"), ds("c")],
    });
    expect(triggerCondition(schedule("all", ["a"]))).toEqual(ds("a"));
    expect(triggerCondition(schedule(expression))).toBe(expression);
  });

  it.each([
    [[], false],
    [["a"], false],
    [["a", "b"], true],
    [["a", "c"], true],
    [["b", "c"], false],
    [["d"], true],
  ])("hold when %j are new: %s", (fresh, holds) => {
    expect(conditionHolds(expression, (u) => fresh.includes(u))).toBe(holds);
  });

  it("print with & and |, name their datasets once, sorted", () => {
    expect(conditionText(expression)).toBe("(a & (b | c)) | d");
    expect(conditionDatasets({ kind: "and", of: [ds("b"), ds("a"), ds("b")] })).toEqual(["a", "b"]);
  });

  it("a hand-written condition must name watched datasets and have operands", () => {
    expect(conditionProblem(schedule(expression, ["a", "b", "c", "d"]))).toBeUndefined();
    expect(conditionProblem(schedule(expression))).toBe('names "d", not among its datasets');
    expect(conditionProblem(schedule({ kind: "and", of: [] }))).toBe(
      'has an "and" with no operand',
    );
    const b = new PipelineBuilder({ id: "p", schedule: schedule({ kind: "or", of: [ds("x")] }) });
    b.start().before(b.end());
    expect(b.tryBuild().diagnostics.map((d) => d.message)).toEqual([
      'pipeline p: the dataset trigger names "x", not among its datasets',
    ]);
  });
});
