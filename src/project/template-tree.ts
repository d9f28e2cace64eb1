import { type Expr, parseExpression, parseFor, parseSet, RESERVED } from "./template-expression.js";
import { TemplateError } from "./template-value.js";

/**
 * A template read into blocks. Text is kept as ranges of the source, so every rendered character
 * maps back to where it was written. A tag whose expression cannot be read becomes a `broken`
 * value, reported only if rendering reaches it, as Jinjava reads expressions when it uses them.
 */
export type TemplateNode =
  | { readonly kind: "text"; readonly from: number; readonly to: number }
  | { readonly kind: "output"; readonly expr: Expr | Broken; readonly at: number }
  | {
      readonly kind: "if";
      readonly branches: readonly Branch[];
      readonly otherwise: TemplateNode[];
    }
  | {
      readonly kind: "for";
      readonly loop: { name: string; items: Expr } | Broken;
      readonly body: TemplateNode[];
      readonly at: number;
    }
  | { readonly kind: "set"; readonly set: { name: string; value: Expr } | Broken; at: number };

export interface Branch {
  readonly test: Expr | Broken;
  readonly body: TemplateNode[];
  readonly at: number;
}

export interface Broken {
  readonly broken: string;
}

export interface ParsedTemplate {
  readonly nodes: readonly TemplateNode[];
  /** The first problem of structure (an unsupported tag, a block left open…): nothing is rendered. */
  readonly problem?: { readonly message: string; readonly offset: number };
}

/** An open block while reading: where its nodes go, and how it must end. */
interface Open {
  readonly tag: "if" | "for";
  readonly at: number;
  readonly node: Extract<TemplateNode, { kind: "if" | "for" }>;
  body: TemplateNode[];
  inElse: boolean;
}

/** Blocks nested deeper than this are refused: hostile text must not exhaust the stack. */
const MAX_NESTING = 64;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONSTANT_NAMES = new Set(["true", "True", "false", "False", "none", "None", "null"]);
const SUPPORTED = "slo renders {{ expressions }}, if, for, set, comments and raw blocks";

export function parseTemplate(source: string): ParsedTemplate {
  const root: TemplateNode[] = [];
  const open: Open[] = [];
  let body = root;
  let at = 0; // source text before `at` is handled
  const fail = (message: string, offset: number): ParsedTemplate => ({
    nodes: [],
    problem: { message, offset },
  });
  for (let start = nextTag(source, 0); start >= 0; start = nextTag(source, at)) {
    const kind = source[start + 1] as "{" | "%" | "#";
    const end = tagEnd(source, start, kind);
    if (end < 0) return fail(`unterminated ${source.slice(start, start + 2)}`, start);
    const inner = source.slice(start + 2, end - 2);
    // Jinjava controls white space on tags only: `{{-`, `-}}` and `{#-` remove nothing.
    const dashBefore = inner.startsWith("-");
    const dashAfter = inner.endsWith("-") && inner.length > 1;
    const trimBefore = kind === "%" && dashBefore;
    const trimAfter = kind === "%" && dashAfter;
    pushText(body, at, trimBefore ? trimmedEnd(source, at, start) : start);
    at = trimAfter ? skipSpaces(source, end) : end;
    if (kind === "#") continue;
    const text = inner.slice(dashBefore ? 1 : 0, dashAfter ? -1 : undefined).trim();
    if (kind === "{") {
      body.push({ kind: "output", expr: outputExpr(text), at: start });
      continue;
    }
    // Jinjava reads tag names in any case (`{% IF %}`).
    const name = (/^[A-Za-z_]*/.exec(text)?.[0] ?? "").toLowerCase();
    const rest = text.slice(name.length);
    const top = open[open.length - 1];
    switch (name) {
      case "raw": {
        if (rest.trim() !== "") return fail("expected {% raw %}", start);
        const after = rawBlock(source, end, trimAfter, body);
        if (after < 0)
          return fail(
            "{% raw %} is not closed; expected {% endraw %} (Jinjava reads no - before endraw)",
            start,
          );
        at = after;
        continue;
      }
      case "if":
      case "for": {
        if (open.length >= MAX_NESTING)
          return fail(`blocks nested deeper than ${MAX_NESTING}; expected fewer`, start);
        const node: Open["node"] =
          name === "if"
            ? {
                kind: "if",
                branches: [{ test: expressionOf(rest), body: [], at: start }],
                otherwise: [],
              }
            : { kind: "for", loop: read(parseFor, rest), body: [], at: start };
        body.push(node);
        body = node.kind === "if" ? (node.branches[0] as Branch).body : node.body;
        open.push({ tag: name, at: start, node, body, inElse: false });
        continue;
      }
      case "elif":
      case "else": {
        if (top?.tag !== "if" || top.inElse || top.node.kind !== "if") {
          const where = top?.tag === "for" ? " inside {% for %} (Jinjava has no for-else)" : "";
          return fail(
            `{% ${name} %} without {% if %}${where}; expected it between {% if %} and {% endif %}`,
            start,
          );
        }
        if (name === "else") {
          if (rest.trim() !== "")
            return fail("expected {% else %} alone (or {% elif condition %})", start);
          top.inElse = true;
          body = top.node.otherwise;
        } else {
          const branch: Branch = { test: expressionOf(rest), body: [], at: start };
          (top.node.branches as Branch[]).push(branch);
          body = branch.body;
        }
        top.body = body;
        continue;
      }
      case "endif":
      case "endfor": {
        const tag = name.slice(3);
        if (top?.tag !== tag)
          return fail(
            top
              ? `{% ${name} %} closes {% ${top.tag} %} (${where(source, top.at)}); expected {% end${top.tag} %}`
              : `{% ${name} %} without {% ${tag} %}`,
            start,
          );
        open.pop();
        body = open[open.length - 1]?.body ?? root;
        continue;
      }
      case "set":
        body.push({ kind: "set", set: read(parseSet, rest), at: start });
        continue;
      default:
        return fail(
          `Jinja tag {% ${name || text.slice(0, 20)} %} is not supported here (${SUPPORTED})`,
          start,
        );
    }
  }
  const unclosed = open[open.length - 1];
  if (unclosed)
    return fail(
      `{% ${unclosed.tag} %} is not closed; expected {% end${unclosed.tag} %}`,
      unclosed.at,
    );
  pushText(body, at, source.length);
  return { nodes: root };
}

function read<T>(parse: (text: string) => T, text: string): T | Broken {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof TemplateError) return { broken: e.message };
    throw e;
  }
}

/** `{{ name }}`, the common case, is read without the tokenizer; other expressions once each. */
function outputExpr(text: string): Expr | Broken {
  if (PLAIN_NAME.test(text) && !CONSTANT_NAMES.has(text) && !RESERVED.has(text))
    return { t: "name", name: text };
  return expressionOf(text);
}

// Projects repeat the same expressions in many files; a parsed one is immutable, so it is shared.
const parsed = new Map<string, Expr | Broken>();

function expressionOf(text: string): Expr | Broken {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  if (parsed.size >= 4096) parsed.clear();
  const expr = read(parseExpression, text);
  parsed.set(text, expr);
  return expr;
}

function pushText(body: TemplateNode[], from: number, to: number): void {
  if (to > from) body.push({ kind: "text", from, to });
}

/**
 * `{% raw %}…{% endraw %}`: the text between, as written; where reading goes on, or -1 when the
 * block is not closed. Jinjava ends a raw block only at `{%`, spaces, `endraw`.
 */
function rawBlock(source: string, from: number, trimStart: boolean, body: TemplateNode[]): number {
  const close = /\{%\s*endraw\s*(-?)%\}/g;
  close.lastIndex = from;
  const m = close.exec(source);
  if (m === null) return -1;
  pushText(body, trimStart ? skipSpaces(source, from) : from, m.index);
  const after = m.index + m[0].length;
  return m[1] ? skipSpaces(source, after) : after;
}

/** Line and column of an offset, for messages that name a second place. */
function where(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

export function nextTag(text: string, from: number): number {
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

/** Where `text[from, to)` ends once trailing white space is removed (`{%-`, `{{-`). */
function trimmedEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && /\s/.test(text[i - 1] as string)) i--;
  return i;
}
