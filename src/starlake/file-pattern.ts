/**
 * A table's `pattern`: the Java regular expression Starlake matches whole file names against
 * (`Pattern.matcher(name).matches()`). The runners match it too, to find the files a failed load
 * left behind: the engine in JavaScript, Airflow and Dagster in Python (`re.fullmatch` with
 * `re.ASCII`). Only the part of the syntax that the three read alike is accepted: a pattern using
 * anything else gets no recovery rather than a recovery that moves other files than Starlake's.
 */

/**
 * Escapes (`\` and an ASCII letter) that mean the same in Java, JavaScript and Python. Not the
 * word boundaries: Java 17's `\b` counts non-ASCII letters as word characters, the others do not,
 * and Python's `\B` never matches an empty name.
 */
const SHARED_ESCAPES = new Set("dDwWsStnrf");

/**
 * File names never matched: line breaks, controls and the spaces JavaScript's `\s` and `.` treat
 * unlike Java's (NEL, no-break and Unicode spaces, separators, BOM). A file name holding one is
 * no file Starlake's loads produce in practice, and skipping it keeps the three runners equal.
 * Astral characters too: JavaScript's `.` reads them as two.
 */
const UNMATCHED =
  "\\x00-\\x1f\\x7f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
/** The class of those characters for JavaScript (astral characters, two code units there, too). */
const UNMATCHED_JS = new RegExp(`[${UNMATCHED}\\ud800-\\udfff]`);
/** The same class as Python `re` text, for the generated runtimes. */
export const UNMATCHED_PYTHON = `[${UNMATCHED}\\ud800-\\udfff\\U00010000-\\U0010ffff]`;

/**
 * Why `pattern` cannot be matched alike in Java, JavaScript and Python, or undefined when it can.
 * @example filePatternProblem("orders_.*\\.csv") // undefined
 */
export function filePatternProblem(pattern: string): string | undefined {
  const problem = constructProblem(pattern);
  if (problem !== undefined) return problem;
  try {
    // alone first: wrapped, "a)|(b" would read as "^(?:a)|(b)$"
    new RegExp(pattern);
    new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    return `is not a regular expression JavaScript reads (${(e as Error).message.replace(/^Invalid regular expression: /, "")})`;
  }
  return undefined;
}

/** Whether a file name fully matches a pattern that `filePatternProblem` accepted. */
export function filePatternMatcher(pattern: string): (name: string) => boolean {
  const whole = new RegExp(`^(?:${pattern})$`);
  return (name) => !UNMATCHED_JS.test(name) && whole.test(name);
}

/** What constructProblem looks at: without any of these, a pattern has nothing to report. */
const SPECIAL = /[\\[{]|\(\?/;

/** The first construct of `pattern` outside the shared syntax, described. */
function constructProblem(p: string): string | undefined {
  if (!SPECIAL.test(p)) return undefined; // most patterns: letters, dots, stars, groups
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "\\") {
      const e = escapeProblem(p, i);
      if (e !== undefined) return e;
      i += escapeLength(p, i) - 1;
    } else if (inClass) {
      if (c === "[")
        return "has a [ inside a character class (a nested class in Java, a [ elsewhere)";
      if (c === "&" && p[i + 1] === "&")
        return "has && inside a character class (an intersection in Java only)";
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      if (p[i + 1] === "^") i++;
      if (p[i + 1] === "]")
        return "has a class opening with ] (read differently in Java, JavaScript and Python)";
    } else if (c === "(" && p[i + 1] === "?" && p[i + 2] !== ":") {
      // lookaheads too: inside a repeated group Java backtracks over them unlike the others
      return `has the group (?${p[i + 2] ?? ""}… (only (…) and (?:…) read the same in Java, JavaScript and Python)`;
    } else if (c === "{" && !/^\{\d+(,\d*)?\}/.test(p.slice(i))) {
      return "has a { that is not a repetition {n}, {n,} or {n,m} (escape it as \\{)";
    }
  }
  return undefined;
}

function escapeProblem(p: string, i: number): string | undefined {
  const next = p[i + 1];
  if (next === undefined) return "ends with a lone \\";
  if (/[0-9]/.test(next))
    return `has \\${next} (back-references and octal escapes differ between Java, JavaScript and Python)`;
  if (!/[A-Za-z]/.test(next)) return undefined; // an escaped symbol is the symbol in all three
  if (SHARED_ESCAPES.has(next)) return undefined;
  if (next === "x" && /^[0-9A-Fa-f]{2}$/.test(p.slice(i + 2, i + 4))) return undefined;
  if (next === "u" && /^[0-9A-Fa-f]{4}$/.test(p.slice(i + 2, i + 6))) return undefined;
  return `has \\${next}, which Java, JavaScript and Python do not read alike (use \\d \\w \\s \\t \\n \\r \\f \\xhh \\uhhhh, or a class)`;
}

function escapeLength(p: string, i: number): number {
  const next = p[i + 1];
  if (next === "x") return 4;
  if (next === "u") return 6;
  return 2;
}
