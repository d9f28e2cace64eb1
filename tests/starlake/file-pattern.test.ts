import { describe, expect, it } from "vitest";
import { filePatternMatcher, filePatternProblem } from "../../src/starlake/file-pattern.js";

describe("a table's file pattern", () => {
  it("accepts what Java, JavaScript and Python read alike, and matches whole names", () => {
    for (const p of [
      "orders_.*\\.csv",
      "order-lines_[0-9]{8}\\.csv",
      "(?:a|b)_\\d+\\.json",
      "x[^/]*\\.(csv|tsv)",
      "\\x41\\u00e9[a-z\\-_]+",
      "deliveries_.*\\.json",
      "a{2,}b{1,3}c{4}",
    ])
      expect(filePatternProblem(p), p).toBeUndefined();
    const m = filePatternMatcher("orders_.*\\.csv");
    expect(m("orders_2024.csv")).toBe(true);
    expect(m("orders_2024.csv.bak")).toBe(false); // a whole match, as Java's matches()
    expect(m("old_orders_2024.csv")).toBe(false);
    expect(filePatternMatcher("a|b")("ab")).toBe(false); // alternatives are grouped before anchoring
  });

  it("refuses Java-only, Python-only and ambiguous constructs with a reason", () => {
    const cases: Array<[string, RegExp]> = [
      ["\\p{L}+\\.csv", /\\p/],
      ["\\Qa.b\\E", /\\Q/],
      ["(?<name>x)", /\(\?</],
      ["(?<=a)b", /\(\?</],
      ["(?i)orders.csv", /\(\?i/],
      ["(?>a)", /\(\?>/],
      ["(?=a)a", /\(\?=/],
      ["a(?!b)", /\(\?!/],
      ["a*+", /JavaScript/],
      ["[a-z[^x]]", /\[ inside/],
      ["[a&&b]", /&&/],
      ["[]a]", /opening with \]/],
      ["(a)\\1", /back-references/],
      ["a{,3}", /repetition/],
      ["a{x}", /repetition/],
      ["\\v", /\\v/],
      ["a\\B", /\\B/],
      ["\\bfile", /\\b/],
      ["abc\\", /lone/],
      ["(unclosed", /JavaScript/],
      ["a)|(b", /JavaScript/],
      ["\\x4", /\\x/],
    ];
    for (const [p, reason] of cases) expect(filePatternProblem(p), p).toMatch(reason);
  });

  it("never matches names holding controls, odd spaces or astral characters", () => {
    const m = filePatternMatcher("[^/]*");
    expect(m("plain name.csv")).toBe(true);
    for (const name of ["a\nb", "a\rb", "a\u0085b", "a\u00a0b", "a\u2028b", "a\ufeffb", "a😀b"])
      expect(m(name), JSON.stringify(name)).toBe(false);
  });
});
