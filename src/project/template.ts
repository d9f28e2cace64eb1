import type { Variables } from "./variables.js";

/**
 * The part of Jinja that Starlake projects use in the files Starlake renders before parsing
 * (application, load and transform descriptions, SQL): `{{ expression }}` with names, string and
 * number literals, `~` concatenation and the filters below; `{# comments #}`; `{% raw %}` blocks;
 * `{{-`/`-}}` whitespace control. Starlake renders with Jinjava configured not to fail on unknown
 * tokens (`JinjaUtils.jinjava`: `withFailOnUnknownTokens(false)`), so an undefined name renders
 * empty; we do the same and report each one, since a typo would otherwise pass unnoticed.
 */
export interface RenderedTemplate {
  readonly text: string;
  /** Offset in the source of a character of `text` (a substituted value maps to its tag). */
  sourceOffset(offset: number): number;
  /** Undefined names, at the source offset of their tag. */
  readonly undefinedNames: readonly { readonly name: string; readonly offset: number }[];
  /** Template syntax we do not render, at the source offset of its tag. */
  readonly problems: readonly { readonly message: string; readonly offset: number }[];
}

/** True when the text holds template syntax: a file without any pays nothing for rendering. */
export function hasTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("{%") || text.includes("{#");
}

export function renderTemplate(source: string, vars: Variables): RenderedTemplate {
  if (!hasTemplate(source)) {
    return { text: source, sourceOffset: (o) => o, undefinedNames: [], problems: [] };
  }
  const out = new Output();
  const undefinedNames: { name: string; offset: number }[] = [];
  const problems: { message: string; offset: number }[] = [];
  let at = 0; // source text before `at` is handled
  for (let open = nextTag(source, 0); open >= 0; open = nextTag(source, at)) {
    const kind = source[open + 1] as "{" | "%" | "#";
    const end = tagEnd(source, open, kind);
    if (end < 0) {
      problems.push({ message: `unterminated ${source.slice(open, open + 2)}`, offset: open });
      break;
    }
    const inner = source.slice(open + 2, end - 2);
    const trimBefore = inner.startsWith("-");
    const trimAfter = inner.endsWith("-") && inner.length > 1;
    out.literal(source, at, open, trimBefore);
    at = trimAfter ? skipSpaces(source, end) : end;
    const body = inner.slice(trimBefore ? 1 : 0, trimAfter ? -1 : undefined).trim();
    if (kind === "#") continue;
    if (kind === "%") {
      if (/^raw$/.test(body)) {
        const close = /\{%-?\s*endraw\s*-?%\}/g;
        close.lastIndex = end;
        const m = close.exec(source);
        const stop = m?.index ?? source.length;
        out.literal(source, end, stop, false);
        at = m ? m.index + m[0].length : source.length;
        continue;
      }
      problems.push({
        message: `Jinja tag {% ${body.split(/\s/)[0]} %} is not supported here (slo renders {{ variables }} with filters, comments and raw blocks)`,
        offset: open,
      });
      continue;
    }
    const result = evaluate(body, vars);
    if (typeof result === "string") {
      problems.push({ message: `cannot render {{ ${body} }}: ${result}`, offset: open });
      continue;
    }
    for (const name of result.missing) undefinedNames.push({ name, offset: open });
    out.value(result.value ?? "", open);
  }
  out.literal(source, at, source.length, false);
  return { text: out.text(), sourceOffset: (o) => out.sourceOffset(o), undefinedNames, problems };
}

function nextTag(text: string, from: number): number {
  for (let i = text.indexOf("{", from); i >= 0; i = text.indexOf("{", i + 1)) {
    const c = text[i + 1];
    if (c === "{" || c === "%" || c === "#") return i;
  }
  return -1;
}

/** Index just past the closing `}}`, `%}` or `#}`, or -1; quotes inside a tag are Jinja strings. */
export function tagEnd(text: string, open: number, kind: "{" | "%" | "#"): number {
  const close = kind === "{" ? "}" : kind;
  for (let i = open + 2; i < text.length; i++) {
    const c = text[i];
    if (c === close && text[i + 1] === "}") return i + 2;
    if (kind !== "#" && (c === "'" || c === '"')) {
      i = text.indexOf(c, i + 1);
      if (i < 0) return -1;
    }
  }
  return -1;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/** Rendered text as pieces, each knowing where it came from, to map positions back. */
class Output {
  private readonly pieces: string[] = [];
  private readonly starts: number[] = []; // rendered offset of each piece
  private readonly origins: number[] = []; // source offset of each piece
  private readonly copied: boolean[] = []; // literal copy (offsets inside map one to one)
  private length = 0;

  literal(source: string, from: number, to: number, trimEnd: boolean): void {
    const piece = trimEnd ? source.slice(from, to).trimEnd() : source.slice(from, to);
    this.push(piece, from, true);
  }

  value(text: string, origin: number): void {
    this.push(text, origin, false);
  }

  private push(text: string, origin: number, copied: boolean): void {
    if (text === "") return;
    this.pieces.push(text);
    this.starts.push(this.length);
    this.origins.push(origin);
    this.copied.push(copied);
    this.length += text.length;
  }

  text(): string {
    return this.pieces.join("");
  }

  sourceOffset(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo] as number;
    const origin = this.origins[lo] as number;
    return this.copied[lo] ? origin + Math.max(0, offset - start) : origin;
  }
}

interface Value {
  readonly value: string | undefined;
  /** Undefined names that made this value (cleared by `default`). */
  readonly missing: readonly string[];
}

type Token = { kind: "name" | "string" | "number" | "punct"; text: string };

const TOKEN =
  /\s*(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|([|(),~]))/y;

function tokenize(body: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    if (/^\s*$/.test(body.slice(TOKEN.lastIndex))) break;
    const from = TOKEN.lastIndex;
    const m = TOKEN.exec(body);
    if (m === null) return `unexpected ${JSON.stringify(body.slice(from).trim().slice(0, 20))}`;
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

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A variable's value; names such as `constructor` are not variables unless defined. */
function lookup(vars: Variables, name: string): string | undefined {
  if (!Object.hasOwn(vars, name)) return undefined;
  const value = vars[name];
  return typeof value === "string" ? value : undefined;
}

/** Evaluates an expression; a string result is a message saying what we cannot render. */
function evaluate(body: string, vars: Variables): Value | string {
  if (PLAIN_NAME.test(body) && body !== "true" && body !== "false" && body !== "none") {
    const value = lookup(vars, body); // the common case, `{{ name }}`, without tokenizing
    return value === undefined && body !== "None"
      ? { value, missing: [body] }
      : { value, missing: [] };
  }
  const tokens = tokenize(body);
  if (typeof tokens === "string") return tokens;
  if (tokens.length === 0) return "empty expression";
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const expect = (text: string): string | undefined => {
    if (peek()?.text !== text) return `expected ${text}`;
    pos++;
    return undefined;
  };
  const primary = (): Value | string => {
    const t = tokens[pos++];
    if (t === undefined) return "expression ends too early";
    if (t.kind === "string" || t.kind === "number") return { value: t.text, missing: [] };
    if (t.kind === "name") {
      if (t.text === "true" || t.text === "false") return { value: t.text, missing: [] };
      if (t.text === "none" || t.text === "None") return { value: undefined, missing: [] };
      if (peek()?.text === "(") return `function calls (${t.text}(…)) are not supported`;
      const value = lookup(vars, t.text);
      return value === undefined ? { value, missing: [t.text] } : { value, missing: [] };
    }
    if (t.text === "(") {
      const inner = concat();
      if (typeof inner === "string") return inner;
      return expect(")") ?? inner;
    }
    return `unexpected ${t.text}`;
  };
  const filtered = (): Value | string => {
    let v = primary();
    while (typeof v !== "string" && peek()?.text === "|") {
      pos++;
      const name = tokens[pos++];
      if (name?.kind !== "name") return "expected a filter name after |";
      const args: Value[] = [];
      if (peek()?.text === "(") {
        pos++;
        while (peek()?.text !== ")") {
          const a = concat();
          if (typeof a === "string") return a;
          args.push(a);
          if (peek()?.text === ",") pos++;
          else if (peek()?.text !== ")") return "expected , or ) in filter arguments";
        }
        pos++;
      }
      v = applyFilter(name.text, v, args);
    }
    return v;
  };
  const concat = (): Value | string => {
    let v = filtered();
    while (typeof v !== "string" && peek()?.text === "~") {
      pos++;
      const right = filtered();
      if (typeof right === "string") return right;
      v = {
        value: (v.value ?? "") + (right.value ?? ""),
        missing: [...v.missing, ...right.missing],
      };
    }
    return v;
  };
  const result = concat();
  if (typeof result !== "string" && pos < tokens.length)
    return `unexpected ${tokens[pos]?.text ?? ""}`;
  return result;
}

function applyFilter(name: string, v: Value, args: readonly Value[]): Value | string {
  const text = v.value ?? "";
  const map = (value: string): Value => ({ value, missing: v.missing });
  switch (name) {
    case "default":
    case "d": {
      // Jinja's default applies to undefined values; with a true second argument, to empty ones too.
      const orEmpty = args[1]?.value === "true";
      const use = v.value === undefined || (orEmpty && v.value === "");
      return use ? (args[0] ?? { value: "", missing: [] }) : { value: v.value, missing: [] };
    }
    case "lower":
      return map(text.toLowerCase());
    case "upper":
      return map(text.toUpperCase());
    case "trim":
      return map(text.trim());
    case "string":
      return map(text);
    case "capitalize":
      return map(text.charAt(0).toUpperCase() + text.slice(1).toLowerCase());
    case "replace":
      if (args.length < 2) return "replace needs two arguments";
      return map(text.split(args[0]?.value ?? "").join(args[1]?.value ?? ""));
    default:
      return `filter ${name} is not supported (default, lower, upper, trim, string, capitalize, replace are)`;
  }
}
