/**
 * The boolean expressions `dataset_triggering_strategy` accepts besides `any` and `all` (Starlake's
 * docs: `dataset1 & (dataset2 | dataset3)`): dataset names joined by `&` or `and`, `|` or `or`,
 * grouped by parentheses; `and` binds tighter than `or`, as in Python and Airflow. Names are only
 * read here; compile matches them to a pipeline's upstream datasets.
 */
export type NameTree =
  | {
      readonly kind: "name";
      readonly name: string /** 0-based offset in the text. */;
      readonly at: number;
    }
  | { readonly kind: "and" | "or"; readonly of: readonly NameTree[] };

export type ParsedExpression =
  | { readonly ok: true; readonly tree: NameTree }
  | {
      readonly ok: false /** 0-based offset of the problem. */;
      readonly at: number;
      readonly expected: string;
    };

type Token = { kind: "name" | "and" | "or" | "(" | ")" | "end"; text: string; at: number };

/** Characters of a dataset name: those of Starlake domain and table names, and the dot between them. */
const NAME = /[\p{L}\p{N}_.$-]+/uy;
const SPACE = /\s+/y;

function tokenize(text: string): Token[] | { at: number; expected: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    SPACE.lastIndex = i;
    if (SPACE.test(text)) {
      i = SPACE.lastIndex;
      continue;
    }
    const c = text[i] as string;
    if (c === "&" || c === "|" || c === "(" || c === ")") {
      const kind = c === "&" ? "and" : c === "|" ? "or" : c;
      tokens.push({ kind, text: c, at: i });
      i += 1;
      continue;
    }
    NAME.lastIndex = i;
    if (!NAME.test(text)) {
      const shown = String.fromCodePoint(text.codePointAt(i) ?? 0);
      return { at: i, expected: `a dataset name, &, |, ( or ) (not ${JSON.stringify(shown)})` };
    }
    const word = text.slice(i, NAME.lastIndex);
    const lower = word.toLowerCase();
    const kind = lower === "and" ? "and" : lower === "or" ? "or" : "name";
    tokens.push({ kind, text: word, at: i });
    i = NAME.lastIndex;
  }
  tokens.push({ kind: "end", text: "", at: text.length });
  return tokens;
}

class Failure {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

/** Parses an expression; `any` and `all` are not expressions (the caller takes them first). */
export function parseTriggerExpression(text: string): ParsedExpression {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { ok: false, ...tokens };
  let next = 0;
  const peek = () => tokens[next] as Token;
  const describe = (t: Token) => (t.kind === "end" ? "the end" : JSON.stringify(t.text));
  const operand = (): NameTree => {
    const t = peek();
    if (t.kind === "name") {
      next += 1;
      return { kind: "name", name: t.text, at: t.at };
    }
    if (t.kind === "(") {
      next += 1;
      const inner = either();
      const close = peek();
      if (close.kind !== ")")
        throw new Failure(
          close.at,
          `")" to close the "(" at character ${t.at + 1}, not ${describe(close)}`,
        );
      next += 1;
      return inner;
    }
    throw new Failure(t.at, `a dataset name or "(", not ${describe(t)}`);
  };
  const name = (): NameTree => {
    const t = peek();
    // a run cannot wait for data not to arrive: Airflow's and Dagster's conditions have no negation
    if (t.kind === "name" && t.text.toLowerCase() === "not")
      throw new Failure(
        t.at,
        'a dataset name or "(" (there is no not: a run waits for data, not for its absence)',
      );
    return operand();
  };
  const chain = (kind: "and" | "or", part: () => NameTree): NameTree => {
    const of = [part()];
    while (peek().kind === kind) {
      next += 1;
      of.push(part());
    }
    // `a & (b & c)` is `a & b & c`: one level per operator
    const flat = of.flatMap((x) => (x.kind === kind ? x.of : [x]));
    return flat.length === 1 ? (flat[0] as NameTree) : { kind, of: flat };
  };
  const both = () => chain("and", name);
  const either = () => chain("or", both);
  try {
    const tree = either();
    const rest = peek();
    if (rest.kind !== "end") throw new Failure(rest.at, `&, | or the end, not ${describe(rest)}`);
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, at: e.at, expected: e.expected };
    throw e;
  }
}
