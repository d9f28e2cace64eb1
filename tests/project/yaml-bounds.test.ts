import { describe, expect, it } from "vitest";
import {
  MAX_ALIASED_VALUES,
  MAX_YAML_DEPTH,
  yamlBoundsProblem,
} from "../../src/project/yaml-bounds.js";

/** A value nested `n` levels deep: `{a: {a: ... 1}}`. */
const nested = (n: number): unknown => (n === 0 ? 1 : { a: nested(n - 1) });

describe("yamlBoundsProblem", () => {
  it("accepts scalars, plain values and anchors reused a few times", () => {
    expect(yamlBoundsProblem("text")).toBeUndefined();
    expect(yamlBoundsProblem({ a: [1, 2, { b: "c" }] })).toBeUndefined();
    const shared = { name: "id", type: "string" };
    expect(yamlBoundsProblem({ attributes: [shared, shared, shared] })).toBeUndefined();
  });

  it("counts what aliases add, exactly, without expanding them", () => {
    // Seven levels of ten aliases each: 10^7 values written in a few lines.
    let level: unknown = Array(10).fill("x");
    for (let i = 0; i < 6; i++) level = Array(10).fill(level);
    expect(yamlBoundsProblem({ bomb: level })).toEqual({
      kind: "alias_bomb",
      // The root map, then each list: itself plus ten of the level below (11, 111, ... 11,111,111).
      values: 1 + 11_111_111,
    });
  });

  it("allows just under the bound of added values, refuses just over it", () => {
    const list = Array(1000).fill(0);
    // Each extra alias to a list of 1000 values adds 1001 values.
    const under = Math.floor(MAX_ALIASED_VALUES / 1001);
    expect(yamlBoundsProblem(Array(under + 1).fill(list))).toBeUndefined();
    expect(yamlBoundsProblem(Array(under + 2).fill(list))?.kind).toBe("alias_bomb");
  });

  it("refuses values deeper than the bound, with the path to the first too deep", () => {
    expect(yamlBoundsProblem(nested(MAX_YAML_DEPTH - 1))).toBeUndefined();
    const problem = yamlBoundsProblem(nested(MAX_YAML_DEPTH + 50));
    expect(problem?.kind).toBe("too_deep");
    expect(problem?.kind === "too_deep" && problem.path).toEqual(Array(MAX_YAML_DEPTH).fill("a"));
  });

  it("measures a shared value by its depth at every place it is used", () => {
    const deep = nested(MAX_YAML_DEPTH - 10);
    expect(yamlBoundsProblem({ a: deep })).toBeUndefined();
    const problem = yamlBoundsProblem({ a: deep, b: nested(20), c: { d: nested(15) } });
    expect(problem).toBeUndefined();
    expect(
      yamlBoundsProblem([
        deep,
        nested(12),
        { x: { y: { z: { w: { v: { u: { t: { s: { r: { q: { p: deep } } } } } } } } } } },
      ])?.kind,
    ).toBe("too_deep");
  });

  it("ends on a cycle (an alias inside its own anchor)", () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(yamlBoundsProblem({ loop })?.kind).toBe("too_deep");
  });
});
