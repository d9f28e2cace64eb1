import { describe, expect, it } from "vitest";
import { type NameTree, parseTriggerExpression } from "../../src/starlake/trigger-expression.js";

/** The tree as compact text: names, `&` and `|` groups in brackets. */
function shape(t: NameTree): string {
  return t.kind === "name" ? t.name : `[${t.of.map(shape).join(t.kind === "and" ? " & " : " | ")}]`;
}

function parsed(text: string): string {
  const r = parseTriggerExpression(text);
  return r.ok ? shape(r.tree) : `error at ${r.at}: ${r.expected}`;
}

describe("dataset_triggering_strategy expressions", () => {
  it.each([
    ["a", "a"],
    ["a & b", "[a & b]"],
    ["a | b", "[a | b]"],
    ["a & b | c", "[[a & b] | c]"],
    ["a | b & c", "[a | [b & c]]"],
    ["a & (b | c)", "[a & [b | c]]"],
    ["(a & b) | c", "[[a & b] | c]"],
    ["a & (b & c) & d", "[a & b & c & d]"],
    ["((a))", "a"],
    ["shop.orders and (Shop.Customers OR kpi_x)", "[shop.orders & [Shop.Customers | kpi_x]]"],
    ["  a&b|c  ", "[[a & b] | c]"],
    ["orders-2024 & $x", "[orders-2024 & $x]"],
    ["andy & organic", "[andy & organic]"],
  ])("%s reads as %s (and binds tighter than or)", (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it("keeps where each name was written", () => {
    const r = parseTriggerExpression("a & (bb | c)");
    expect(
      r.ok && r.tree.kind === "and" && r.tree.of[1]?.kind === "or" && r.tree.of[1].of[0],
    ).toEqual({ kind: "name", name: "bb", at: 5 });
  });

  it.each([
    ["", 'error at 0: a dataset name or "(", not the end'],
    ["a &", 'error at 3: a dataset name or "(", not the end'],
    ["a && b", 'error at 3: a dataset name or "(", not "&"'],
    ["| a", 'error at 0: a dataset name or "(", not "|"'],
    ["a b", 'error at 2: &, | or the end, not "b"'],
    ["(a | b", 'error at 6: ")" to close the "(" at character 1, not the end'],
    ["a | b)", 'error at 5: &, | or the end, not ")"'],
    ["()", 'error at 1: a dataset name or "(", not ")"'],
    ["a & !b", 'error at 4: a dataset name, &, |, ( or ) (not "!")'],
    ["a; rm -rf /", 'error at 1: a dataset name, &, |, ( or ) (not ";")'],
    ["a & not b", expect.stringMatching(/^error at 4: .*there is no not/)],
    ["a & or", 'error at 4: a dataset name or "(", not "or"'],
  ])("%j is refused with the place and what was expected", (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });
});
