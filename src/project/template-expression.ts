import { FILTER_NAMES, FILTERS } from "./template-filters.js";
import {
  attribute,
  type CompareOp,
  compare,
  contains,
  TESTS,
  TemplateError,
  type TemplateValue,
  toText,
  truthy,
} from "./template-value.js";

/** A parsed template expression: read once per tag, evaluated each time the tag renders. */
export type Expr =
  | { readonly t: "literal"; readonly value: TemplateValue }
  | { readonly t: "name"; readonly name: string }
  | { readonly t: "list"; readonly items: readonly Expr[] }
  | { readonly t: "filter"; readonly arg: Expr; readonly name: string; readonly args: Expr[] }
  | { readonly t: "test"; readonly arg: Expr; readonly name: string; readonly negated: boolean }
  | { readonly t: "not"; readonly arg: Expr }
  | { readonly t: "and" | "or" | "concat"; readonly left: Expr; readonly right: Expr }
  | { readonly t: "compare"; readonly op: CompareOp | "in" | "not in"; left: Expr; right: Expr };

/** Where names are looked up: undefined when a name is not defined at all. */
export interface Scope {
  get(name: string): TemplateValue | undefined;
}

type Token = { readonly kind: "name" | "string" | "number" | "punct"; readonly text: string };

const TOKEN =
  /\s*(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(==|!=|<=|>=|[|(),~<>=[\]]))/y;

const REST_IS_SPACE = /\s*$/y;
const KEYWORDS = new Set(["and", "or", "not", "in", "is"]);
/** Words of Java's expression language (which Jinjava extends): never names there. */
export const RESERVED = new Set([
  "empty",
  "div",
  "mod",
  "eq",
  "ne",
  "lt",
  "gt",
  "le",
  "ge",
  "instanceof",
]);
const ORDERINGS = new Set(["<", ">", "<=", ">="]);
/** Deeper nesting than this is refused: hostile text must not exhaust the stack. */
const MAX_DEPTH = 64;

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    const from = TOKEN.lastIndex;
    REST_IS_SPACE.lastIndex = from;
    if (REST_IS_SPACE.test(body)) break;
    const m = TOKEN.exec(body);
    if (m === null)
      throw new TemplateError(`unexpected ${JSON.stringify(body.slice(from).trim().slice(0, 20))}`);
    if (m[1] !== undefined) tokens.push({ kind: "name", text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined)
      tokens.push({ kind: "string", text: unquote((m[2] ?? m[3]) as string) });
    else if (m[4] !== undefined) tokens.push({ kind: "number", text: m[4] });
    else tokens.push({ kind: "punct", text: m[5] as string });
  }
  return tokens;
}

function unquote(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

/** `{{ expression }}` or the condition of `{% if %}`. */
export function parseExpression(body: string): Expr {
  const p = new Parser(tokenize(body));
  if (p.atEnd()) throw new TemplateError("empty expression");
  const e = p.expression();
  p.finish();
  return e;
}

/** `{% for name in expression %}`. */
export function parseFor(body: string): { name: string; items: Expr } {
  const p = new Parser(tokenize(body));
  const name = p.variable("for");
  if (!p.word("in")) throw new TemplateError("expected {% for name in list %}");
  const items = p.expression();
  p.finish();
  return { name, items };
}

/** `{% set name = expression %}`. */
export function parseSet(body: string): { name: string; value: Expr } {
  const p = new Parser(tokenize(body));
  const name = p.variable("set");
  if (!p.punct("="))
    throw new TemplateError("expected {% set name = value %} (block sets are not supported)");
  const value = p.expression();
  p.finish();
  return { name, value };
}

/**
 * Recursive descent in Jinjava's precedence, which is Java's expression language's, not Python
 * Jinja's: or, and, == and !=, orderings and `in`, `~`, `not`, then a value with its filters or test.
 */
class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  finish(): void {
    const t = this.tokens[this.pos];
    if (t !== undefined) throw new TemplateError(`unexpected ${t.text}`);
  }

  word(text: string): boolean {
    const t = this.tokens[this.pos];
    if (t?.kind !== "name" || t.text !== text) return false;
    this.pos++;
    return true;
  }

  punct(text: string): boolean {
    const t = this.tokens[this.pos];
    if (t?.kind !== "punct" || t.text !== text) return false;
    this.pos++;
    return true;
  }

  variable(tag: string): string {
    const t = this.tokens[this.pos++];
    if (t?.kind !== "name" || KEYWORDS.has(t.text) || t.text.includes("."))
      throw new TemplateError(`expected a variable name after ${tag}`);
    return t.text;
  }

  expression(): Expr {
    if (++this.depth > MAX_DEPTH)
      throw new TemplateError(`expression nested deeper than ${MAX_DEPTH}`);
    const e = this.or();
    this.depth--;
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.word("or")) left = { t: "or", left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.equality();
    while (this.word("and")) left = { t: "and", left, right: this.equality() };
    return left;
  }

  // Java's expression language puts == and != below the orderings and `in`.
  private equality(): Expr {
    let left = this.relation();
    for (;;) {
      const t = this.tokens[this.pos];
      if (t?.kind !== "punct" || (t.text !== "==" && t.text !== "!=")) return left;
      this.pos++;
      left = { t: "compare", op: t.text, left, right: this.relation() };
    }
  }

  private relation(): Expr {
    let left = this.concat();
    for (;;) {
      const t = this.tokens[this.pos];
      const next = this.tokens[this.pos + 1];
      if (t?.kind === "punct" && ORDERINGS.has(t.text)) {
        this.pos++;
        left = { t: "compare", op: t.text as CompareOp, left, right: this.concat() };
      } else if (this.word("in")) {
        left = { t: "compare", op: "in", left, right: this.concat() };
      } else if (t?.kind === "name" && t.text === "not" && next?.text === "in") {
        this.pos += 2;
        left = { t: "compare", op: "not in", left, right: this.concat() };
      } else return left;
    }
  }

  private concat(): Expr {
    let left = this.unary();
    while (this.punct("~")) left = { t: "concat", left, right: this.unary() };
    return left;
  }

  /** `not` binds to the value after it, as in Jinjava: `not a in b` is `(not a) in b`. */
  private unary(): Expr {
    if (!this.word("not")) return this.postfix();
    if (++this.depth > MAX_DEPTH)
      throw new TemplateError(`expression nested deeper than ${MAX_DEPTH}`);
    const arg = this.unary();
    this.depth--;
    return { t: "not", arg };
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.punct("|")) {
        const name = this.tokens[this.pos++];
        if (name?.kind !== "name") throw new TemplateError("expected a filter name after |");
        if (!Object.hasOwn(FILTERS, name.text))
          throw new TemplateError(`filter ${name.text} is not supported (${FILTER_NAMES} are)`);
        e = { t: "filter", arg: e, name: name.text, args: this.punct("(") ? this.items(")") : [] };
      } else if (this.word("is")) {
        const negated = this.word("not");
        const name = this.tokens[this.pos++];
        if (name?.kind !== "name" || !Object.hasOwn(TESTS, name.text))
          throw new TemplateError(
            `test is ${name?.text ?? "(nothing)"} is not supported (${Object.keys(TESTS).join(", ")} are)`,
          );
        e = { t: "test", arg: e, name: name.text, negated };
      } else return e;
    }
  }

  /** Comma-separated expressions up to `close` (already past the opening bracket). */
  private items(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.punct(close)) {
      if (this.atEnd()) throw new TemplateError(`expected ${close}`);
      items.push(this.expression());
      if (!this.punct(",") && this.tokens[this.pos]?.text !== close)
        throw new TemplateError(`expected , or ${close}`);
    }
    return items;
  }

  private primary(): Expr {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new TemplateError("expression ends too early");
    if (t.kind === "string") return { t: "literal", value: t.text };
    if (t.kind === "number")
      return { t: "literal", value: { number: Number(t.text), text: t.text } };
    if (t.kind === "name") {
      if (KEYWORDS.has(t.text)) throw new TemplateError(`unexpected ${t.text}`);
      if (RESERVED.has(t.text.split(".")[0] as string))
        throw new TemplateError(
          `${t.text.split(".")[0]} is a reserved word of Jinjava's expressions, which Starlake cannot render either; expected another name`,
        );
      const constant = CONSTANTS[t.text];
      if (constant !== undefined) return { t: "literal", value: constant };
      if (this.tokens[this.pos]?.text === "(")
        throw new TemplateError(`function calls (${t.text}(…)) are not supported`);
      return { t: "name", name: t.text };
    }
    if (t.text === "(") {
      const inner = this.expression();
      if (!this.punct(")")) throw new TemplateError("expected )");
      return inner;
    }
    if (t.text === "[") return { t: "list", items: this.items("]") };
    throw new TemplateError(`unexpected ${t.text}`);
  }
}

const CONSTANTS: Readonly<Record<string, TemplateValue>> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
  null: null,
};

/**
 * The value of an expression; names that are not defined are null (as in Jinjava) and added to
 * `missing`, except under `default` and `is defined`-like tests, which exist to handle them.
 */
export function evaluate(e: Expr, scope: Scope, missing: string[]): TemplateValue {
  switch (e.t) {
    case "literal":
      return e.value;
    case "name": {
      const v = resolve(e.name, scope);
      if (v === undefined) missing.push(e.name);
      return v ?? null;
    }
    case "list":
      return e.items.map((x) => evaluate(x, scope, missing));
    case "filter": {
      const quiet = e.name === "default" || e.name === "d";
      const arg = evaluate(e.arg, scope, quiet ? [] : missing);
      const args = e.args.map((x) => evaluate(x, scope, missing));
      return (FILTERS[e.name] as (typeof FILTERS)[string])(arg, args);
    }
    case "test": {
      const result = (TESTS[e.name] as (typeof TESTS)[string])(evaluate(e.arg, scope, []));
      return e.negated ? !result : result;
    }
    case "not":
      return !isTrue(e.arg, scope, missing);
    case "and":
      return truthy(evaluate(e.left, scope, missing)) && truthy(evaluate(e.right, scope, missing));
    case "or": {
      // Jinjava's `or` gives the first true operand itself, not a boolean.
      const left = evaluate(e.left, scope, missing);
      return truthy(left) ? left : evaluate(e.right, scope, missing);
    }
    case "concat": {
      const left = evaluate(e.left, scope, missing);
      return toText(left) + toText(evaluate(e.right, scope, missing));
    }
    case "compare": {
      const left = evaluate(e.left, scope, missing);
      const right = evaluate(e.right, scope, missing);
      if (e.op === "in") return contains(right, left);
      if (e.op === "not in") return !contains(right, left);
      return compare(e.op, left, right);
    }
  }
}

/**
 * The truth of a condition. A name tested only for truth (`{% if flag %}`, `not flag`, `a and b`)
 * may be undefined on purpose, as a switch left off: it is not reported.
 */
export function isTrue(e: Expr, scope: Scope, missing: string[]): boolean {
  if (e.t === "name") return truthy(resolve(e.name, scope) ?? null);
  if (e.t === "not") return !isTrue(e.arg, scope, missing);
  if (e.t === "and") return isTrue(e.left, scope, missing) && isTrue(e.right, scope, missing);
  if (e.t === "or") return isTrue(e.left, scope, missing) || isTrue(e.right, scope, missing);
  return truthy(evaluate(e, scope, missing));
}

/** A name, or a dotted name: the whole name first (project variables may hold dots), then attributes. */
function resolve(name: string, scope: Scope): TemplateValue | undefined {
  const whole = scope.get(name);
  if (whole !== undefined) return whole;
  const dot = name.indexOf(".");
  if (dot < 0) return undefined;
  let v = scope.get(name.slice(0, dot));
  if (v === undefined) return undefined;
  for (const part of name.slice(dot + 1).split(".")) v = attribute(v, part);
  return v;
}
