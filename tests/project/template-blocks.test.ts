import { describe, expect, it } from "vitest";
import { renderFile } from "../../src/project/render-file.js";
import { renderTemplate } from "../../src/project/template.js";
import { parseYaml } from "../../src/project/yaml-file.js";

const render = (text: string, vars: Record<string, string> = {}) => renderTemplate(text, vars);
const text = (t: string, vars: Record<string, string> = {}) => {
  const r = render(t, vars);
  expect(r.problems).toEqual([]);
  return r.text;
};

describe("{% if %}", () => {
  it("renders the first true branch of if / elif / else", () => {
    const t = "{% if env == 'prod' %}P{% elif env == 'dev' %}D{% else %}O{% endif %}";
    expect(text(t, { env: "prod" })).toBe("P");
    expect(text(t, { env: "dev" })).toBe("D");
    expect(text(t, { env: "test" })).toBe("O");
    expect(text("{% if a %}A{% endif %}.", {})).toBe(".");
  });

  it("takes truth as Jinjava does: '' and 'false' (any case) are false, '0' and 'no' are true", () => {
    const t = "{% if v %}T{% else %}F{% endif %}";
    expect(
      ["", "false", "FALSE", "False", "0", "no", "true", "x"].map((v) => text(t, { v })),
    ).toEqual(["F", "F", "F", "F", "T", "T", "T", "T"]);
    expect(text("{% if 0 %}T{% endif %}{% if [] %}L{% endif %}{% if [0] %}M{% endif %}")).toBe("M");
  });

  it("compares numbers as numbers when one side is a number, text as text otherwise", () => {
    expect(text("{% if n > 10 %}big{% else %}small{% endif %}", { n: "9" })).toBe("small");
    expect(text("{% if n > '10' %}after{% endif %}", { n: "9" })).toBe("after");
    expect(
      text("{% if n == 9 and n >= 9.0 and n <= 9 and n != 8 %}ok{% endif %}", { n: "9" }),
    ).toBe("ok");
    expect(text("{% if a < b %}lt{% endif %}", { a: "apple", b: "banana" })).toBe("lt");
  });

  it("reports a comparison Jinjava cannot make, at its tag", () => {
    const r = render("a\n{% if n > 10 %}x{% endif %}", { n: "many" });
    expect(r.problems).toEqual([
      {
        message: 'cannot render {% if n > 10 %}: cannot compare "many" with the number 10',
        offset: 2,
      },
    ]);
  });

  it("knows and, or (giving the operand, as Jinjava), not, in, not in", () => {
    expect(text("{{ a or 'fallback' }}|{{ b or 'fallback' }}", { a: "", b: "B" })).toBe(
      "fallback|B",
    );
    expect(text("{{ a and b }}|{{ not a }}", { a: "x", b: "y" })).toBe("true|false");
    expect(text("{% if 'ar' in s and 'z' not in s %}yes{% endif %}", { s: "star" })).toBe("yes");
    expect(text("{% if env in ['dev', 'test'] %}low{% endif %}", { env: "test" })).toBe("low");
    expect(text("{% if 2 in [1, 2] and not (3 in [1, 2]) %}n{% endif %}")).toBe("n");
  });

  it("binds as Jinjava (Java's expression language), not as Python Jinja", () => {
    // `not` takes the value after it: (not 3) in [1, 2], false; == is looser than < and `in`
    expect(text("{% if not 3 in [1, 2] %}py{% else %}java{% endif %}")).toBe("java");
    expect(text("{{ 1 < 2 == true }}|{{ 'a' in 'abc' == true }}")).toBe("true|true");
    expect(text("{{ x | upper ~ x }}", { x: "a" })).toBe("Aa");
  });

  it("is defined / is not defined / is none, and undefined switches, are not reported", () => {
    const r = render(
      "{% if x is defined %}D{% endif %}{% if x is not defined %}U{% endif %}{% if x is none %}N{% endif %}{% if flag %}F{% endif %}{% if not other and not third %}-{% endif %}",
    );
    expect(r.text).toBe("UN-");
    expect(r.undefinedNames).toEqual([]);
  });

  it("reports an undefined name that is compared or printed, at its tag", () => {
    const r = render("a\n{% if mode == 'x' %}{% endif %}{{ shown }}");
    expect(r.undefinedNames).toEqual([
      { name: "mode", offset: 2 },
      { name: "shown", offset: 33 },
    ]);
  });

  it("does not read an expression in a branch it does not take, as Jinjava", () => {
    const r = render("{% if false %}{{ x | tojson }}{% else %}ok{% endif %}");
    expect(r.problems).toEqual([]);
    expect(r.text).toBe("ok");
    expect(render("{% if true %}{{ x | tojson }}{% endif %}").problems[0]?.message).toMatch(
      /filter tojson is not supported/,
    );
  });
});

describe("{% for %} and {% set %}", () => {
  it("walks a list with loop.index, loop.first, loop.last, loop.length", () => {
    expect(
      text(
        "{% for c in ['a', 'b', 'c'] %}{{ loop.index }}{{ c }}{% if loop.first %}^{% endif %}{% if not loop.last %},{% endif %}{% endfor %}/{{ loop.length }}",
      ),
    ).toBe("1a^,2b,3c/");
  });

  it("walks a list made by set; a string is one item, an undefined name none (and is reported)", () => {
    expect(text("{% set cols = ['x', 'y'] %}{% for c in cols %}[{{ c }}]{% endfor %}")).toBe(
      "[x][y]",
    );
    expect(text("{% for c in s %}[{{ c }}]{% endfor %}", { s: "a,b" })).toBe("[a,b]");
    const r = render("{% for c in nothing %}[{{ c }}]{% endfor %}");
    expect(r.text).toBe("");
    expect(r.undefinedNames.map((u) => u.name)).toEqual(["nothing"]);
  });

  it("scopes set as Jinjava: inside a loop it lasts for the loop, inside an if it stays", () => {
    expect(
      text(
        "{% set v = 'out' %}{% for i in [1, 2] %}{{ v }}{% set v = i %}{% endfor %}|{{ v }}{% if true %}{% set v = 'if' %}{% endif %}|{{ v }}",
      ),
    ).toBe("out1|out|if");
  });

  it("project variables are seen inside loops; a none set in a loop hides nothing (Jinjava)", () => {
    expect(text("{% for i in [1, 2] %}{{ v }}{{ i }}{% endfor %}", { v: "V" })).toBe("V1V2");
    expect(
      text("{% for i in [1] %}{% set v = none %}[{{ v }}]{% endfor %}{% set v = none %}[{{ v }}]", {
        v: "V",
      }),
    ).toBe("[V][]");
  });

  it("a set name hides a project variable; a loop name too, only inside its loop", () => {
    expect(
      text("{{ c }}{% for c in ['L'] %}{{ c }}{% endfor %}{% set c = 'S' %}{{ c }}", { c: "V" }),
    ).toBe("VLS");
  });

  it("nests loops and conditions", () => {
    expect(
      text(
        "{% for a in [1, 2] %}{% for b in ['x', 'y'] %}{% if a == 2 or b == 'x' %}{{ a ~ b }} {% endif %}{% endfor %}{% endfor %}",
      ),
    ).toBe("1x 2x 2y ");
  });
});

describe("whitespace control", () => {
  it("- on a {% tag %} removes white space (line breaks included) on that side; on {{ }} nothing (Jinjava)", () => {
    expect(text("a {{- 'x' -}} b")).toBe("a x b");
    const source = "cols:\n{%- for c in ['a', 'b'] %}\n  - {{ c }}\n{%- endfor %}\nnext: 1\n";
    expect(text(source)).toBe("cols:\n  - a\n  - b\nnext: 1\n");
    expect(text("a  {%- if true -%}  b  {%- endif -%}  c")).toBe("abc");
    expect(text("a {% if true %} b {% endif %} c")).toBe("a  b  c");
    expect(text("a\n{% raw -%}\n  {{ x }}  {% endraw -%}\n b")).toBe("a\n{{ x }}  b");
    // As in Jinjava: comments take no white space control, and `{%- endraw %}` ends no raw block.
    expect(text("a {#- c -#} b")).toBe("a  b");
    expect(render("{% raw %}x{%- endraw %}").problems[0]?.message).toMatch(/raw %\} is not closed/);
  });
});

describe("structure problems: one located line, nothing rendered", () => {
  const cases: [string, string, number][] = [
    ["a\n{% if x %}b", "{% if %} is not closed; expected {% endif %}", 2],
    [
      "{% for x in [1] %}{% if x %}{% endfor %}",
      "{% endfor %} closes {% if %} (line 1, column 19); expected {% endif %}",
      28,
    ],
    ["ok {% endif %}", "{% endif %} without {% if %}", 3],
    [
      "{% for x in [1] %}{% else %}{% endfor %}",
      "{% else %} without {% if %} inside {% for %} (Jinjava has no for-else); expected it between {% if %} and {% endif %}",
      18,
    ],
    [
      "{% if a %}{% else %}{% elif b %}{% endif %}",
      "{% elif %} without {% if %}; expected it between {% if %} and {% endif %}",
      20,
    ],
    [
      "{% include 'x.sql' %}",
      "Jinja tag {% include %} is not supported here (slo renders {{ expressions }}, if, for, set, comments and raw blocks)",
      0,
    ],
  ];
  it.each(cases)("%j", (source, message, offset) => {
    const r = render(source, { x: "1", a: "1" });
    expect(r.problems).toEqual([{ message, offset }]);
    expect(r.text).toBe(source);
  });

  it("refuses blocks nested beyond 64, and a loop bomb, quickly and located", () => {
    const deep = `${"{% if true %}".repeat(65)}x${"{% endif %}".repeat(65)}`;
    expect(render(deep).problems[0]?.message).toMatch(/nested deeper than 64/);
    const ten = "{% set l = [0,1,2,3,4,5,6,7,8,9] %}";
    const bomb = `${ten}${"{% for a in l %}".repeat(7)}x${"{% endfor %}".repeat(7)}`;
    const r = render(bomb);
    expect(r.problems[0]?.message).toMatch(/renders more than 1000000 pieces/);
    expect(r.problems[0]?.offset).toBeGreaterThan(ten.length); // inside the loops, not at 1:1
    expect(r.text).toBe(bomb);
  });

  it("refuses expressions nested beyond 64 (parentheses, lists, not), without a stack overflow", () => {
    for (const deep of [
      `${"(".repeat(5000)}x${")".repeat(5000)}`,
      "[".repeat(5000),
      `${"not ".repeat(5000)}x`,
    ]) {
      const r = render(`{{ ${deep} }}{% if ${deep} %}{% endif %}`);
      expect(r.problems.map((p) => p.message.replace(/^.*: /, ""))).toEqual([
        "expression nested deeper than 64",
        "expression nested deeper than 64",
      ]);
    }
  });

  it("reports a tag whose expression cannot be read, with the tag", () => {
    expect(render("{% if a == %}x{% endif %}").problems).toEqual([
      { message: "cannot render {% if a == %}: expression ends too early", offset: 0 },
    ]);
    expect(render("{% for 1 in x %}{% endfor %}").problems[0]?.message).toBe(
      "cannot render {% for 1 in x %}: expected a variable name after for",
    );
    expect(render("{% set x %}{% endset %}").problems[0]?.message).toMatch(
      /^Jinja tag \{% endset %\}/,
    );
  });
});

describe("places inside blocks point at the text as written", () => {
  const source = [
    "version: 1", // 1
    "table:", // 2
    "{% if full %}", // 3
    "  name: {{ missing }}", // 4
    "{% endif %}", // 5
    "  attributes:", // 6
    "{%- for c in ['a', 'b'] %}", // 7
    "    - name: {{ c }}", // 8
    "      type: [unclosed", // 9
    "{%- endfor %}", // 10
  ].join("\n");

  it("an undefined name in a block, and a YAML error in a loop body, name their source line", () => {
    const r = renderFile("t.sl.yml", source, { full: "true" });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([
      ["undefined_variable", 4, 9],
    ]);
    const parsed = parseYaml("t.sl.yml", r.text, r.origin);
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
    expect(parsed.diagnostics.map((d) => d.line)).toContain(9);
    expect(
      parsed.diagnostics.every((d) => d.line !== undefined && d.line >= 8 && d.line <= 10),
    ).toBe(true);
  });
});
