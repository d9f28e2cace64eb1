import { describe, expect, it } from "vitest";
import { type NameTree, parseTriggerExpression } from "../../src/starlake/trigger-expression.js";
import { mulberry32, pick, type Rng } from "../helpers/seeded-random.js";

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

/** A random tree of at most `depth` levels, already in the flat form the parser gives. */
function randomTree(rng: Rng, depth: number): NameTree {
  if (depth === 0 || rng() < 0.3)
    return {
      kind: "name",
      name: pick(rng, ["a", "shop.orders", "Kpi_X", "t-1", "$d", "ordersx"]),
      at: 0,
    };
  const kind = pick(rng, ["and", "or"] as const);
  const of = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => randomTree(rng, depth - 1));
  return { kind, of: of.flatMap((x) => (x.kind === kind ? x.of : [x])) };
}

/** Writes a tree with a random choice of spelling and spacing, each group in parentheses. */
function write(rng: Rng, t: NameTree, top = true): string {
  if (t.kind === "name") return t.name;
  const op =
    t.kind === "and" ? pick(rng, ["&", " and ", " AND "]) : pick(rng, ["|", " or ", " Or "]);
  const text = t.of
    .map((x) => write(rng, x, false))
    .join(pick(rng, ["", " "]) + op + pick(rng, ["", " "]));
  return top && rng() < 0.5 ? text : `(${text})`;
}

describe("expressions, by property (seeded)", () => {
  const seed = Number(process.env.SLO_SEED ?? 20261207);
  const rng = mulberry32(seed);

  it(`what is written is read back as the same tree (seed ${seed})`, () => {
    for (let i = 0; i < 300; i++) {
      const tree = randomTree(rng, 4);
      const text = write(rng, tree);
      expect(parsed(text), `seed ${seed}, case ${i}: ${text}`).toBe(shape(tree));
    }
  });

  it(`any text gives a tree or one problem inside the text, never an exception (seed ${seed})`, () => {
    const alphabet = [
      "a",
      "b",
      ".",
      "&",
      "|",
      "(",
      ")",
      " ",
      "and",
      "or",
      "not",
      ";",
      "\u00e9",
      "\n",
      "'",
    ];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(rng() * 12) }, () => pick(rng, alphabet)).join(
        "",
      );
      const r = parseTriggerExpression(text);
      if (!r.ok) {
        expect(r.at, `seed ${seed}, case ${i}: ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(0);
        expect(r.at, `seed ${seed}, case ${i}: ${JSON.stringify(text)}`).toBeLessThanOrEqual(
          text.length,
        );
      }
    }
  });
});
