import { describe, expect, it } from "vitest";
import { neutraliseJinja } from "../../../src/project/lineage/jinja.js";

describe("neutraliseJinja", () => {
  it("keeps length and newlines, blanks statements and comments, turns expressions into identifiers", () => {
    const text =
      "SELECT {{ col }} FROM a.b\n{% if x %}\nJOIN c.d ON true {# note\nmore #}\n{% endif %}";
    const out = neutraliseJinja(text);
    expect(out.length).toBe(text.length);
    expect(out.split("\n").length).toBe(text.split("\n").length);
    expect(out).toBe(
      `SELECT J________ FROM a.b\n${" ".repeat(10)}\nJOIN c.d ON true ${" ".repeat(7)}\n${" ".repeat(7)}\n${" ".repeat(11)}`,
    );
  });

  it("leaves plain SQL and unterminated tags alone", () => {
    expect(neutraliseJinja("SELECT '{' FROM t")).toBe("SELECT '{' FROM t");
    expect(neutraliseJinja("SELECT 1 {{ oops")).toBe("SELECT 1 {{ oops");
  });
});
