import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/project/template.js";
import { requiredStarlake } from "../helpers/real-starlake.js";
import { mulberry32, pick, type Rng } from "../helpers/seeded-random.js";

/**
 * slo's template renderer against Jinjava 2.7.4 itself, configured as Starlake 1.5.16 configures
 * it (scripts/java/RenderJinja.java, run on the jars of the real Starlake install): hand-written
 * cases for each construct, then seeded random templates of the supported language. Where
 * Jinjava renders, we render the same text; where Jinjava fails, we report a problem.
 * SLO_PROPERTY_SEED replays a run; SLO_PROPERTY_CASES sets the count.
 */
const SEED = Number(process.env.SLO_PROPERTY_SEED ?? Math.floor(Math.random() * 1_000_000));
const COUNT = Number(process.env.SLO_PROPERTY_CASES ?? 400);

interface Case {
  readonly template: string;
  readonly vars: Record<string, string>;
}

const VARS: Record<string, string> = {
  blank: "",
  no: "false",
  No: "False",
  zero: "0",
  nine: "9",
  ten: "10",
  word: "abc",
  csv: "a,b",
  yes: "true",
  spaced: "  x  ",
};

const HAND: readonly string[] = [
  "{% if blank %}T{% else %}F{% endif %}{% if no %}T{% else %}F{% endif %}{% if No %}T{% endif %}",
  "{% if zero %}T{% endif %}{% if 0 %}N{% endif %}{% if [] %}L{% endif %}{% if [0] %}M{% endif %}",
  "{{ nine > 10 }} {{ nine < ten }} {{ nine > '10' }} {{ nine == 9 }} {{ blank < 1 }}",
  "{{ word or 'd' }}|{{ blank or 'd' }}|{{ word and yes }}|{{ not word }}|{{ missing or none }}",
  "{{ 'b' in word }} {{ 'z' not in word }} {{ 'a' in ['a', 'b'] }} {{ nine in [9, 10] }}",
  "{{ missing is defined }} {{ missing is not defined }} {{ missing is none }} {{ word is string }}",
  "{{ missing == '' }} {{ missing == none }} {{ missing < 1 }} {{ missing != word }}",
  "{% for c in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ c }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{% endfor %}",
  "{% for c in csv %}[{{ c }}]{% endfor %}{% for c in missing %}[{{ c }}]{% endfor %}",
  "{% set v = 'out' %}{% for i in [1, 2] %}{{ v }}{% set v = i %}{% endfor %}|{{ v }}{% if true %}{% set v = 'if' %}{% endif %}|{{ v }}",
  "{{ word }}{% for word in ['L'] %}{{ word }}{% endfor %}{% set word = 'S' %}{{ word }}",
  "cols:\n{%- for c in ['a', 'b'] %}\n  - {{ c }}\n{%- endfor %}\nnext: 1\n",
  "a  {%- if true -%}  b  {%- endif -%}  c {# note #} d {#- x -#} e",
  "a\n{% raw -%}\n  {{ x }}  {% endraw -%}\n{{- ' ' -}}\nz {% raw %}{%- endraw %}",
  "{{ blank }}{{ empty }}",
  "{{ lt }}",
  "{{ [1, 'a', none, true] }} {{ true }} {{ none }} {{ 'x' ~ 1 ~ none }}",
  "{{ word | upper }} {{ word | capitalize }} {{ spaced | trim }} {{ csv | replace(',', ';') }} {{ word | length }}",
  "{{ missing | default('d') }} {{ blank | default('d') }} {{ blank | default('d', true) }} {{ no | d('x', true) }}",
  "{{ ['a', 'b'] | join('-') }} {{ ['a', 'b'] | length }} {{ missing | length }}",
  "{% if nine > 5 and ten >= 10 or word == 'x' %}A{% elif word %}B{% else %}C{% endif %}",
  "{% if true == 'yes' %}T{% endif %}{% if false == no %}F{% endif %}{% if 'a' < 'b' %}L{% endif %}",
  "{{ nine > 10 }}{{ word > 10 }}",
  "{% IF yes %}A{% ENDIF %}{% For i in [1] %}{{ i }}{% endFOR %}",
  "{% for i in [none, 'x'] %}[{{ i }}]{% set csv = none %}{{ csv }}{% endfor %}{% set csv = none %}[{{ csv }}]",
  "{% set l = ['x', 'y'] %}{% for a in l %}{% for b in l %}{{ a ~ b }}{% if not loop.last %},{% endif %}{% endfor %};{% endfor %}",
];

/** A random expression of the supported language, at most `depth` deep. */
function expression(rng: Rng, depth: number): string {
  const leaf = () =>
    pick(rng, [
      ...Object.keys(VARS),
      "missing",
      "'a'",
      "'abc'",
      "''",
      "'false'",
      "0",
      "9",
      "10",
      "true",
      "false",
      "none",
      "['a', 'b']",
      "[9, 10]",
      "[]",
    ]);
  if (depth <= 0 || rng() < 0.3) return leaf();
  const sub = () => expression(rng, depth - 1);
  switch (Math.floor(rng() * 9)) {
    case 0:
      return `${sub()} ${pick(rng, ["and", "or"])} ${sub()}`;
    case 1:
      return `not ${sub()}`;
    case 2:
      return `${leaf()} ${pick(rng, ["==", "!=", "<", ">", "<=", ">="])} ${leaf()}`;
    case 3:
      return `${leaf()} ${pick(rng, ["in", "not in"])} ${leaf()}`;
    case 4:
      return `${leaf()} is ${pick(rng, ["", "not "])}${pick(rng, ["defined", "none", "string"])}`;
    case 5:
      return `${leaf()} | ${pick(rng, ["lower", "upper", "trim", "default('d')", "default('d', true)", "length", "join(',')", "replace('a', 'o')"])}`;
    case 6:
      return `${leaf()} ~ ${leaf()}`;
    case 7:
      return `(${sub()})`;
    default:
      return leaf();
  }
}

/** A random template: text, output, if/elif/else, for, set, with random whitespace control. */
function template(rng: Rng, depth: number): string {
  const parts: string[] = [];
  const dash = () => (rng() < 0.25 ? "-" : "");
  const tag = (body: string) => `{%${dash()} ${body} ${dash()}%}`;
  for (let i = 0; i < 1 + Math.floor(rng() * 4); i++) {
    const kind = depth <= 0 ? Math.floor(rng() * 3) : Math.floor(rng() * 6);
    if (kind === 0) parts.push(pick(rng, ["x", " ", "\n", "  - y\n", "a: ", "\t", "z "]));
    else if (kind === 1) parts.push(`{{${dash()} ${expression(rng, 2)} ${dash()}}}`);
    else if (kind === 2)
      parts.push(tag(`set ${pick(rng, ["s", "word", "t"])} = ${expression(rng, 1)}`));
    else if (kind === 3 || kind === 4) {
      parts.push(tag(`if ${expression(rng, 2)}`), template(rng, depth - 1));
      if (rng() < 0.4) parts.push(tag(`elif ${expression(rng, 2)}`), template(rng, depth - 1));
      if (rng() < 0.5) parts.push(tag("else"), template(rng, depth - 1));
      parts.push(tag("endif"));
    } else {
      const items = pick(rng, ["['a', 'b']", "[1, 2, 3]", "csv", "missing", "[]", "s"]);
      parts.push(
        tag(`for it in ${items}`),
        pick(rng, ["{{ it }}", "{{ loop.index }}", "{% if loop.last %}L{% endif %}", ""]),
        template(rng, depth - 1),
        tag("endfor"),
      );
    }
  }
  return parts.join("");
}

/** Jinjava's answers, from one JVM for all cases. */
function jinjava(cases: readonly Case[]): { text?: string; error?: string }[] {
  const starlake = realpathSync(requiredStarlake());
  const deps = join(dirname(dirname(starlake)), "deps");
  if (!existsSync(join(deps, "jinjava-2.7.4.jar")))
    throw new Error(
      `no Jinjava 2.7.4 in ${deps}: expected the layout of ../shared/starlake/install`,
    );
  const out = execFileSync(
    "java",
    ["-cp", join(deps, "*"), join("scripts", "java", "RenderJinja.java")],
    { input: JSON.stringify(cases), encoding: "utf8", timeout: 300_000, maxBuffer: 64 << 20 },
  );
  return JSON.parse(out) as { text?: string; error?: string }[];
}

describe("the template renderer renders as Jinjava 2.7.4 (Starlake's) does", () => {
  const random = mulberry32(SEED);
  const generated = Array.from({ length: COUNT }, () => template(random, 3));
  const cases: Case[] = [...HAND, ...generated].map((t) => ({ template: t, vars: VARS }));
  const theirs = jinjava(cases);

  it.each(HAND.map((t, i) => [i, t] as const))("hand case %i: %j", (i) => {
    const ours = renderTemplate(HAND[i] as string, VARS);
    const answer = theirs[i];
    if (answer?.error !== undefined) expect(ours.problems.length, answer.error).toBeGreaterThan(0);
    else {
      expect(ours.problems).toEqual([]);
      expect(ours.text).toBe(answer?.text);
    }
  });

  it(`${COUNT} seeded random templates (seed ${SEED})`, () => {
    const wrong: string[] = [];
    generated.forEach((t, n) => {
      const ours = renderTemplate(t, VARS);
      const answer = theirs[HAND.length + n];
      const same =
        answer?.error !== undefined
          ? ours.problems.length > 0
          : ours.problems.length === 0 && ours.text === answer?.text;
      if (!same)
        wrong.push(
          `${JSON.stringify(t)}\n  Jinjava: ${JSON.stringify(answer)}\n  slo: ${JSON.stringify({ text: ours.text, problems: ours.problems })}`,
        );
    });
    expect(
      wrong.slice(0, 5).join("\n"),
      `seed ${SEED} (SLO_PROPERTY_SEED=${SEED}): ${wrong.length} differ`,
    ).toBe("");
  });
});
