import { describe, expect, it } from "vitest";
import { hasTemplate, renderTemplate } from "../../src/project/template.js";
import { renderJinjaValue } from "../../src/project/variables.js";

const render = (text: string, vars: Record<string, string> = {}) => renderTemplate(text, vars);

describe("renderTemplate", () => {
  it("leaves text without template syntax untouched, offsets one to one", () => {
    const text = "a: {b}\nc: '$" + "{d}'\n";
    expect(hasTemplate(text)).toBe(false);
    const r = render(text);
    expect(r.text).toBe(text);
    expect(r.sourceOffset(7)).toBe(7);
  });

  it("substitutes names, with or without spaces, and string or number literals", () => {
    const r = render("ref: {{connection}} / {{ connection }} / {{ 'x' }} / {{ 3 }}", {
      connection: "duckdb",
    });
    expect(r.text).toBe("ref: duckdb / duckdb / x / 3");
    expect(r.undefinedNames).toEqual([]);
  });

  it("renders an undefined name empty and reports it at its tag", () => {
    const r = render("a: 1\nb: x{{ missing }}y\n");
    expect(r.text).toBe("a: 1\nb: xy\n");
    expect(r.undefinedNames).toEqual([{ name: "missing", offset: 9 }]);
  });

  it("default rescues an undefined name without a report; default(x, true) also an empty one", () => {
    const r = render(
      "{{ A | default('BQ_TEST_DS') }} {{ E | d('e') }} {{ E | default('f', true) }}",
      {
        E: "",
      },
    );
    expect(r.text).toBe("BQ_TEST_DS  f");
    expect(r.undefinedNames).toEqual([]);
  });

  it("applies the string filters Starlake projects use, and ~ concatenation", () => {
    const r = render(
      "{{ n | upper }} {{ n | lower }} {{ s | trim }} {{ n | replace('a', 'o') }} {{ n ~ '_' ~ s | trim }}",
      { n: "Bake", s: "  x " },
    );
    expect(r.text).toBe("BAKE bake x Boke Bake_x");
  });

  it("drops comments, keeps raw blocks as written; {{- -}} trims nothing, as in Jinjava", () => {
    const r = render("a{# note #}b {% raw %}{{ kept }}{% endraw %} c  {{- v -}}  d", { v: "V" });
    expect(r.text).toBe("ab {{ kept }} c  V  d");
  });

  it("reports filters and calls it does not render instead of guessing, each at its tag", () => {
    const r = render("x\n{% if a %}y{% endif %}\n{{ a | frobnicate }}\n{{ f(a) }}", { a: "1" });
    expect(r.text).toBe("x\ny\n\n");
    expect(r.problems.map((p) => p.offset)).toEqual([25, 46]);
    expect(r.problems[0]?.message).toMatch(/filter frobnicate is not supported/);
    expect(r.problems[1]?.message).toMatch(/function calls/);
  });

  it("refuses a tag it does not render (macros) with one located problem and renders nothing", () => {
    const r = render("a: 1\n{% macro m(x) %}{{ x }}{% endmacro %}\n{{ m(1) }}\n", {});
    expect(r.problems).toEqual([
      {
        message: expect.stringMatching(/^Jinja tag \{% macro %\} is not supported here/),
        offset: 5,
      },
    ]);
    expect(r.text).toBe("a: 1\n{% macro m(x) %}{{ x }}{% endmacro %}\n{{ m(1) }}\n");
  });

  it("reports an unterminated tag", () => {
    expect(render("a: {{ b").problems).toEqual([{ message: "unterminated {{", offset: 3 }]);
  });

  it("maps rendered offsets back to the source: literal text one to one, a value to its tag", () => {
    const source = "k: {{ v }}\nnext: z\n";
    const r = render(source, { v: "a much longer value" });
    const rendered = r.text.indexOf("next");
    expect(r.sourceOffset(rendered)).toBe(source.indexOf("next"));
    expect(r.sourceOffset(r.text.indexOf("longer"))).toBe(source.indexOf("{{"));
  });

  it("keeps `{` that opens no tag, and quotes inside tags", () => {
    const r = render('opts: "{\\"a\\": 1}" {{ "}}" }}', {});
    expect(r.text).toBe('opts: "{\\"a\\": 1}" }}');
  });

  it("maps every line back to itself when values hold no line break (seeded)", () => {
    let seed = 20261206;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let run = 0; run < 200; run++) {
      const lines: string[] = [];
      const vars: Record<string, string> = {};
      for (let l = 0; l < 1 + Math.floor(random() * 8); l++) {
        const name = `v${Math.floor(random() * 5)}`;
        if (random() < 0.8) vars[name] = "x".repeat(Math.floor(random() * 30));
        const block = [
          "",
          `{% if ${name} %}{{ ${name} }}{% else %}-{% endif %}`,
          `{%- for i in ['x', ${name}] %}{{ loop.index }}{{ i }}{% endfor -%}`,
          `{% set s = ${name} ~ 'y' %}{{ s }}`,
        ][Math.floor(random() * 4)];
        lines.push(`k${l}: a{{ ${name} }}b {{${name}|default('d')}}${block} tail${l}`);
      }
      const source = lines.join("\n");
      const r = render(source, vars);
      const out = r.text.split("\n");
      expect(out.length, `seed run ${run}`).toBe(lines.length);
      for (let l = 0; l < out.length; l++) {
        const at = r.text.indexOf(`tail${l}`);
        expect(r.sourceOffset(at), `seed 20261206 run ${run} line ${l}`).toBe(
          source.indexOf(`tail${l}`),
        );
      }
    }
  });
});

describe("names that are not variables", () => {
  it("constructor, toString… are undefined unless the project defines them", () => {
    const r = renderTemplate("{{ constructor }}|{{ toString }}|{{ __proto__ }}", {});
    expect(r.text).toBe("||");
    expect(r.undefinedNames.map((u) => u.name)).toEqual(["constructor", "toString", "__proto__"]);
    expect(renderTemplate("{{ constructor }}", { constructor: "c" }).text).toBe("c");
  });
});

describe("hostile template text (seeded fuzz)", () => {
  it("never throws, and every rendered offset maps inside the source", () => {
    const seed0 = 77031;
    let seed = seed0;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = ["{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "-", "'", '"', "|", "(", ")"];
    const words = ["a", "raw", "endraw", "default", "if", "x y", "\n", " ", "~", ",", "1", "\\"];
    // block syntax, whole and in pieces, so the fuzz reaches every branch of the block reader
    words.push("if a", "endif", "else", "elif x", "for i in [a, 1]", "endfor", "set b = a", "in");
    words.push("not", "and", "==", "<", "[", "]", "loop.index", "is defined", "{% if a %}");
    words.push("{% endif %}", "{% for i in [1, 2] %}", "{% endfor %}", "{%- if a -%}", "macro");
    const vars = { a: "A\n{{a}}", x: "" };
    const started = Date.now();
    for (let run = 0; run < 2000 && Date.now() - started < 5000; run++) {
      let source = "";
      for (let i = 0; i < Math.floor(random() * 30); i++)
        source +=
          random() < 0.5
            ? pieces[Math.floor(random() * pieces.length)]
            : words[Math.floor(random() * words.length)];
      const r = renderTemplate(source, vars);
      for (let o = 0; o <= r.text.length; o++) {
        const back = r.sourceOffset(o);
        expect(
          back >= 0 && back <= source.length,
          `seed ${seed0} run ${run}: ${JSON.stringify(source)}`,
        ).toBe(true);
      }
      for (const p of [...r.problems, ...r.undefinedNames])
        expect(p.offset >= 0 && p.offset < source.length, `seed ${seed0} run ${run}`).toBe(true);
    }
  });
});

describe("dag config values (renderJinjaValue)", () => {
  it("keeps what {% raw %} protects, substitutes $-names after Jinja, reports only real unknowns", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Starlake ${name}, not a JS template
    const r = renderJinjaValue("a {% raw %}{{x}}{% endraw %} ${K} {{K}} {{ gone }}", { K: "v" });
    expect(r).toEqual({ text: "a {{x}} v v ", missing: ["gone"] });
  });
});
