import { describe, expect, it } from "vitest";
import { jinjaSafe, shellWord } from "../../src/backends/airflow/jinja-safe.js";
import { code, pyLiteral, pyString } from "../../src/backends/python/literal.js";

describe("Python literals", () => {
  it("escapes every hostile character and keeps letters readable", () => {
    expect(pyString('a"b\\c\nd\re\tf')).toBe('"a\\"b\\\\c\\nd\\re\\tf"');
    expect(pyString("café £ $(rm -rf /) `id` 'x'")).toBe("\"café £ $(rm -rf /) `id` 'x'\"");
    expect(pyString("\u0000\u2028\u{1f950}")).toBe('"\\x00\\u2028\u{1f950}"');
  });

  it("writes values, with code passed through", () => {
    expect(pyLiteral({ a: [1, true, null], b: code("datetime.timedelta(seconds=5)") })).toBe(
      '{"a": [1, True, None], "b": datetime.timedelta(seconds=5)}',
    );
    expect(() => pyLiteral(Number.NaN)).toThrow(/NaN/);
  });

  it("writes arrays as tuples when asked, one element with its comma", () => {
    expect(pyLiteral({ a: [], b: ["x"], c: [["y"], 2] }, "tuple")).toBe(
      '{"a": (), "b": ("x",), "c": (("y",), 2)}',
    );
  });
});

describe("bash and Jinja protection", () => {
  it("single-quotes words so the shell expands nothing", () => {
    expect(shellWord("it's $(x) `y` $HOME")).toBe("'it'\\''s $(x) `y` $HOME'");
  });

  it("turns text with Jinja markers into a Jinja string expression", () => {
    expect(jinjaSafe("plain {x}")).toBe("plain {x}");
    expect(jinjaSafe('a{{b}}"c\\')).toBe('{{ "a{{b}}\\"c\\\\" }}');
  });
});
