import type { SqlReference } from "./sql-references.js";

/**
 * The tables a SQL text reads, found without a parser: the names that follow FROM and JOIN (and
 * the comma-separated list of a FROM). Used only when no dialect parses the statement, so that its
 * lineage is approximate rather than lost. Comments and string literals are skipped; a name
 * followed by `(` is a table function; a CTE's own name is not a table; the FROM of
 * `EXTRACT(… FROM x)`, `TRIM(… FROM x)`, `SUBSTRING(… FROM …)` and `IS DISTINCT FROM` is not a
 * read. What it cannot tell from text (a FROM inside an unusual function) it may over-report: the
 * caller says the result is approximate.
 */
export function scanReferences(sql: string): SqlReference[] {
  const tokens = tokenize(sql);
  const ctes = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [name, as, open] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    const before = tokens[i - 1];
    if (
      name?.kind === "name" &&
      as?.kind === "word" &&
      as.upper === "AS" &&
      open?.text === "(" &&
      (before?.upper === "WITH" || before?.upper === "RECURSIVE" || before?.text === ",")
    )
      ctes.add(name.parts.join(".").toLowerCase());
  }
  const found: SqlReference[] = [];
  const calls: string[] = []; // the word before each open parenthesis, innermost last
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") calls.push(tokens[i - 1]?.upper ?? "");
    else if (t.text === ")") calls.pop();
    if (t.upper !== "FROM" && t.upper !== "JOIN") continue;
    if (t.upper === "FROM" && IN_CALL.has(calls.at(-1) ?? "")) continue;
    if (t.upper === "FROM" && tokens[i - 1]?.upper === "DISTINCT") continue;
    for (let j = i + 1; j < tokens.length; ) {
      const target = tokens[j];
      if (target?.kind !== "name" || tokens[j + 1]?.text === "(") break;
      if (!(target.parts.length === 1 && ctes.has(target.parts[0]?.toLowerCase() ?? "")))
        found.push({ parts: target.parts, line: target.line, col: target.col });
      if (t.upper === "JOIN") break;
      // an alias (`orders o`, `orders AS o`), then a comma for the next table of the list
      j++;
      if (tokens[j]?.upper === "AS") j++;
      if (tokens[j]?.kind === "name" && tokens[j]?.parts.length === 1) j++;
      if (tokens[j]?.text !== ",") break;
      j++;
    }
  }
  return found;
}

const IN_CALL = new Set(["EXTRACT", "TRIM", "SUBSTRING", "SUBSTR", "POSITION", "OVERLAY"]);

/** Words that end a FROM list or cannot be a table's name. */
const KEYWORDS = new Set(
  "SELECT FROM JOIN WHERE GROUP ORDER HAVING LIMIT UNION EXCEPT INTERSECT ON USING AS WITH LEFT RIGHT FULL INNER OUTER CROSS NATURAL LATERAL WINDOW QUALIFY VALUES SET AND OR NOT DISTINCT IS IN BY RECURSIVE PIVOT UNPIVOT TABLESAMPLE FETCH OFFSET".split(
    " ",
  ),
);

interface Token {
  readonly kind: "name" | "word" | "punct";
  readonly text: string;
  /** Upper-cased text of a bare word (for keywords); "" otherwise. */
  readonly upper: string;
  /** A name's dotted parts, unquoted. */
  readonly parts: readonly string[];
  readonly line: number;
  readonly col: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const advance = (to: number) => {
    for (let k = i; k < to; k++)
      if (sql[k] === "\n") {
        line++;
        lineStart = k + 1;
      }
    i = to;
  };
  const closing: Record<string, string> = { '"': '"', "`": "`", "[": "]" };
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) advance(i + 1);
    else if (sql.startsWith("--", i)) advance(lineEnd(sql, i));
    else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      advance(end < 0 ? sql.length : end + 2);
    } else if (c === "'") advance(quotedEnd(sql, i, "'"));
    else if (/[A-Za-z_"`[]/.test(c)) {
      // a name: parts separated by dots, each bare or quoted
      const at = { line, col: i - lineStart + 1 };
      const parts: string[] = [];
      let bare = true;
      for (;;) {
        const ch = sql[i] as string;
        const close = closing[ch];
        if (close !== undefined) {
          const end = quotedEnd(sql, i, close);
          const inside = sql.slice(i + 1, end - 1);
          // BigQuery reads `project.dataset.table` in one pair of backticks as a path
          parts.push(...(ch === "`" ? inside.split(".") : [inside]));
          bare = false;
          advance(end);
        } else {
          const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 256));
          if (!m) break;
          parts.push(m[0]);
          advance(i + m[0].length);
        }
        if (sql[i] !== "." || !/[A-Za-z_"`[]/.test(sql[i + 1] ?? "")) break;
        advance(i + 1);
      }
      if (parts.length === 0) {
        advance(i + 1);
        continue;
      }
      const word = bare && parts.length === 1 ? (parts[0] as string).toUpperCase() : "";
      const keyword = word !== "" && KEYWORDS.has(word);
      tokens.push({
        kind: keyword ? "word" : "name",
        text: parts.join("."),
        upper: word,
        parts,
        ...at,
      });
    } else {
      tokens.push({
        kind: "punct",
        text: c,
        upper: "",
        parts: [],
        line,
        col: i - lineStart + 1,
      });
      advance(i + 1);
    }
  }
  return tokens;
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf("\n", from);
  return end < 0 ? sql.length : end;
}

/** The index just after a quoted text that starts at `from` (a doubled quote stays inside). */
function quotedEnd(sql: string, from: number, quote: string): number {
  let k = from + 1;
  while (k < sql.length) {
    if (sql[k] === quote) {
      if (sql[k + 1] === quote && quote !== "]") k += 2;
      else return k + 1;
    } else k++;
  }
  return sql.length;
}
