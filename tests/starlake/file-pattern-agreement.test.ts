import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  filePatternMatcher,
  filePatternProblem,
  UNMATCHED_PYTHON,
} from "../../src/starlake/file-pattern.js";
import { mulberry32, pick, type Rng } from "../helpers/seeded-random.js";

/**
 * Property: a pattern `filePatternProblem` accepts matches exactly the same file names in Java
 * (what Starlake uses: `Pattern.matches`), in JavaScript (the engine) and in Python (`re.fullmatch`
 * with `re.ASCII`, the Airflow and Dagster runtimes), names the runners never match aside.
 * Patterns come from a grammar of the accepted constructs and from character soup (of which only
 * what is accepted is kept: Java and Python must compile it too). Seeded (SLO_PROPERTY_SEED
 * replays a run), bounded in count; one Java and one Python process.
 */
const SEED = Number(process.env.SLO_PROPERTY_SEED ?? Math.floor(Math.random() * 1_000_000));
const PATTERNS = Number(process.env.SLO_PROPERTY_CASES ?? 300);
const NAMES = 24;

const ATOMS = [
  "a",
  "b",
  "z",
  "0",
  "7",
  "_",
  "-",
  " ",
  "é",
  "Ü",
  "\\.",
  "\\-",
  "\\_",
  "\\d",
  "\\D",
  "\\w",
  "\\W",
  "\\s",
  "\\S",
  "\\t",
  "\\x41",
  "\\u00e9",
  "[a-c]",
  "[^/]",
  "[\\w.-]",
  "[0-9_]",
  "[^a-z]",
  "[éü]",
  ".",
];
const QUANTIFIERS = ["", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "*?", "+?"];
const NAME_CHARS = [
  "a",
  "b",
  "c",
  "z",
  "A",
  "0",
  "1",
  "7",
  "9",
  "_",
  "-",
  ".",
  " ",
  "/",
  "é",
  "Ü",
  "ß",
  "\u0663",
  "\u212a",
  "\u00a0",
  "\n",
  "\t",
  "x",
  "csv",
];

function pattern(rng: Rng, depth = 0): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(rng() * 4);
  for (let i = 0; i < n; i++) {
    const r = rng();
    let atom: string;
    if (depth < 2 && r < 0.12) atom = `(?:${pattern(rng, depth + 1)}|${pattern(rng, depth + 1)})`;
    else if (depth < 2 && r < 0.18) atom = `(${pattern(rng, depth + 1)})`;
    else atom = pick(rng, ATOMS);
    parts.push(atom + pick(rng, QUANTIFIERS));
  }
  return parts.join("");
}

/** Character soup: mostly refused, and what is accepted must still read alike. */
const SOUP = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "\\",
  "|",
  "*",
  "+",
  "?",
  "^",
  "$",
  ".",
  "-",
  ",",
  "1",
  "a",
  "é",
  "d",
  "w",
  "?:",
  "?=",
];
function soup(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 8);
  return Array.from({ length: n }, () => pick(rng, SOUP)).join("");
}

function name(rng: Rng): string {
  const n = Math.floor(rng() * 7);
  return Array.from({ length: n }, () => pick(rng, NAME_CHARS)).join("");
}

const work = mkdtempSync(join(tmpdir(), "slo-pattern-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const JAVA = `
import java.nio.file.*; import java.util.*; import java.util.regex.*;
public class Match { public static void main(String[] a) throws Exception {
  Pattern skip = Pattern.compile(new String(Base64.getDecoder().decode(a[1]), "UTF-8"));
  StringBuilder out = new StringBuilder(); Pattern p = null;
  for (String line : Files.readAllLines(Path.of(a[0]))) {
    String v = new String(Base64.getDecoder().decode(line.substring(2)), "UTF-8");
    if (line.startsWith("P")) {
      try { p = Pattern.compile(v); } catch (PatternSyntaxException e) { p = null; }
      continue;
    }
    out.append(p == null ? 'E' : !skip.matcher(v).find() && p.matcher(v).matches() ? '1' : '0');
  }
  System.out.print(out);
} }`;

const PYTHON = `
import base64, re, sys
skip = re.compile(base64.b64decode(sys.argv[2]).decode())
out, p = [], None
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    v = base64.b64decode(line[2:]).decode()
    if line.startswith("P"):
        try:
            p = re.compile(v, re.ASCII)
        except re.error:
            p = None
        continue
    out.append("E" if p is None else "1" if not skip.search(v) and p.fullmatch(v) else "0")
print("".join(out), end="")
`;

describe(`file patterns read alike in Java, JavaScript and Python (seed ${SEED})`, () => {
  it(`${PATTERNS} accepted patterns × ${NAMES} names match the same names in all three`, () => {
    const rng = mulberry32(SEED);
    const cases: Array<{ p: string; names: string[] }> = [];
    while (cases.length < PATTERNS) {
      const p = rng() < 0.8 ? pattern(rng) : soup(rng);
      if (filePatternProblem(p) !== undefined) continue;
      cases.push({ p, names: Array.from({ length: NAMES }, () => name(rng)) });
    }
    const input = join(work, "cases.txt");
    writeFileSync(
      input,
      cases.flatMap((c) => [`P ${b64(c.p)}`, ...c.names.map((n) => `N ${b64(n)}`)]).join("\n"),
    );
    // Java's class: the same characters, with the astral range written as a pair
    const javaSkip = UNMATCHED_PYTHON.replace("\\U00010000-\\U0010ffff", "\\x{10000}-\\x{10ffff}");
    writeFileSync(join(work, "Match.java"), JAVA);
    const java = execFileSync("java", [join(work, "Match.java"), input, b64(javaSkip)], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const python = execFileSync("python3", ["-c", PYTHON, input, b64(UNMATCHED_PYTHON)], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const js = cases.flatMap((c) => c.names.map((n) => (filePatternMatcher(c.p)(n) ? "1" : "0")));
    let i = 0;
    for (const c of cases)
      for (const n of c.names) {
        const got = { java: java[i], javascript: js[i], python: python[i] };
        const what = `seed ${SEED} (SLO_PROPERTY_SEED=${SEED}): ${JSON.stringify(c.p)} on ${JSON.stringify(n)}`;
        expect({ javascript: got.javascript, python: got.python }, what).toEqual({
          javascript: got.java,
          python: got.java,
        });
        i++;
      }
    expect(i).toBe(PATTERNS * NAMES);
    expect(js.filter((x) => x === "1").length).toBeGreaterThan(0); // the names do match sometimes
  });
});
