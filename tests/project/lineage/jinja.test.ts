import { describe, expect, it } from "vitest";
import { neutraliseJinja } from "../../../src/project/lineage/jinja.js";

describe("neutraliseJinja", () => {
  it("turns an expression into an identifier of the same length", () => {
    expect(neutraliseJinja("SELECT {{ x }} FROM t")).toBe("SELECT J______ FROM t");
    expect(neutraliseJinja("WHERE d = {{-sl_start_date-}}")).toBe(`WHERE d = J${"_".repeat(18)}`);
  });

  it("blanks statements and comments, keeping the line breaks inside them", () => {
    const text = "SELECT * FROM a.b\n{% if x %}\nJOIN c.d ON true {# note\nmore #}\n{% endif %}";
    const out = neutraliseJinja(text);
    expect(out).toBe(
      `SELECT * FROM a.b\n${" ".repeat(10)}\nJOIN c.d ON true ${" ".repeat(7)}\n${" ".repeat(7)}\n${" ".repeat(11)}`,
    );
  });

  it("keeps the length and every line break, CRLF included", () => {
    const text = "SELECT {{ a\r\n  + b }}\r\nFROM t {%- if x -%}\r\n{#\n#}";
    const out = neutraliseJinja(text);
    expect(out).toHaveLength(text.length);
    expect(
      [...out].map((c, i) => (c === "\n" || c === "\r" ? i : -1)).filter((i) => i >= 0),
    ).toEqual([...text].map((c, i) => (c === "\n" || c === "\r" ? i : -1)).filter((i) => i >= 0));
    expect(out).toBe(`SELECT J___\r\n${"_".repeat(8)}\r\nFROM t ${" ".repeat(12)}\r\n  \n  `);
  });

  it("replaces an expression inside a SQL string literal, which stays a literal", () => {
    expect(neutraliseJinja("WHERE d >= '{{ sl_start_date }}'")).toBe(
      `WHERE d >= 'J${"_".repeat(18)}'`,
    );
  });

  it("finds the end of a tag after Jinja strings that contain a closer", () => {
    expect(neutraliseJinja(`{{ "}}" }} x`)).toBe("J_________ x");
    expect(neutraliseJinja(`{% set s = '%}' %}x`)).toBe(`${" ".repeat(18)}x`);
  });

  it("keeps the inside of a raw block verbatim", () => {
    expect(neutraliseJinja("{% raw %}{{ x }}{% endraw %} {{ y }}")).toBe(
      `${" ".repeat(9)}{{ x }}${" ".repeat(12)} J______`,
    );
  });

  it("leaves plain SQL, lone braces and unterminated tags alone", () => {
    const plain = "SELECT '{' AS b, '}}' AS c FROM t";
    expect(neutraliseJinja(plain)).toBe(plain);
    expect(neutraliseJinja("SELECT {{ a }} {{ oops")).toBe("SELECT J______ {{ oops");
    expect(neutraliseJinja("SELECT 1 {% if")).toBe("SELECT 1 {% if");
    expect(neutraliseJinja("{# never closed\nFROM t")).toBe("{# never closed\nFROM t");
  });
});
