import { type Expr, evaluate, isTrue, type Scope } from "./template-expression.js";
import { type Broken, parseTemplate, type TemplateNode, tagEnd } from "./template-tree.js";
import {
  iterate,
  numberValue,
  TemplateError,
  type TemplateValue,
  toText,
} from "./template-value.js";
import type { Variables } from "./variables.js";

export { tagEnd } from "./template-tree.js";

/**
 * The part of Jinja that Starlake projects use in the files Starlake renders before parsing
 * (application, load and transform descriptions, SQL): `{{ expression }}` with names, literals,
 * lists, `~`, comparisons, `and`/`or`/`not`, `in`, `is` tests and the filters of
 * `template-filters.ts`; `{% if %}`/`{% elif %}`/`{% else %}`, `{% for x in list %}` with `loop`,
 * `{% set x = value %}`; `{# comments #}`; `{% raw %}` blocks; `{%-`/`-%}`. Values
 * behave as in Jinjava, which Starlake renders with (`JinjaUtils.jinjava`, configured not to fail
 * on unknown tokens): an undefined name is null and renders empty, the string "false" is false.
 * We report undefined names, since a typo would otherwise pass unnoticed.
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

/** Rendering stops past these: a project file is text written by people, not a loop bomb. */
const MAX_STEPS = 1_000_000;
const MAX_OUTPUT = 32 * 1024 * 1024;

export function renderTemplate(source: string, vars: Variables): RenderedTemplate {
  const same = (problems: RenderedTemplate["problems"]): RenderedTemplate => ({
    text: source,
    sourceOffset: (o) => o,
    undefinedNames: [],
    problems,
  });
  if (!hasTemplate(source)) return same([]);
  const parsed = parsedTemplate(source);
  if (parsed.problem) return same([parsed.problem]);
  const run = new Run(source);
  try {
    run.nodes(parsed.nodes, new Frame(vars));
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    return same([{ message: e.message, offset: e.offset }]);
  }
  const out = run.out;
  return {
    text: out.text(),
    sourceOffset: (o) => out.sourceOffset(o),
    undefinedNames: run.undefinedNames,
    problems: run.problems,
  };
}

// Short templates (file names, comments, options) are rendered once per table or task with the
// same text: each is read once. Parsed trees are never changed; the memory is bounded.
const SHORT = 1024;
const parsedShort = new Map<string, ReturnType<typeof parseTemplate>>();

function parsedTemplate(source: string): ReturnType<typeof parseTemplate> {
  if (source.length > SHORT) return parseTemplate(source);
  let parsed = parsedShort.get(source);
  if (parsed === undefined) {
    if (parsedShort.size >= 4096) parsedShort.clear();
    parsed = parseTemplate(source);
    parsedShort.set(source, parsed);
  }
  return parsed;
}

function placeOf(node: TemplateNode): number {
  if (node.kind === "text") return node.from;
  return "at" in node ? node.at : (node.branches[0]?.at ?? 0);
}

/** Rendering went past a bound, at the node where it did (inside the loops that caused it). */
class TooLarge extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Names visible where a node renders: `set` and loop variables over the project variables. */
class Frame implements Scope {
  private locals?: Map<string, TemplateValue>; // made on the first set: most templates set nothing
  constructor(
    private readonly vars: Variables,
    private readonly parent?: Frame,
  ) {}

  /**
   * As Jinjava's scopes: a name set to none in a loop hides nothing, the lookup goes on outwards;
   * at the top, where Jinjava keeps the project variables too, it replaces the variable.
   */
  get(name: string): TemplateValue | undefined {
    let hidden = false;
    for (let f: Frame | undefined = this; f !== undefined; f = f.parent) {
      const local = f.locals?.get(name);
      if (local !== undefined && local !== null) return local;
      if (local === null && f.parent === undefined) return null;
      hidden ||= local === null;
    }
    // Names such as `constructor` are not variables unless the project defines them.
    const value = Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
    if (typeof value === "string") return value;
    return hidden ? null : undefined;
  }

  set(name: string, value: TemplateValue): void {
    this.locals ??= new Map();
    this.locals.set(name, value);
  }

  /** A scope inside this one (a loop's), over the same project variables. */
  child(): Frame {
    return new Frame(this.vars, this);
  }
}

/** One rendering: the output, and what went wrong where (each problem once, loops or not). */
class Run {
  readonly out = new Output();
  readonly undefinedNames: { name: string; offset: number }[] = [];
  readonly problems: { message: string; offset: number }[] = [];
  private reported?: Set<string>; // made on the first report: most files have none
  private steps = 0;
  constructor(private readonly source: string) {}

  nodes(list: readonly TemplateNode[], scope: Frame): void {
    for (const node of list) this.node(node, scope);
  }

  private node(node: TemplateNode, scope: Frame): void {
    if (++this.steps > MAX_STEPS)
      throw new TooLarge(
        `the template renders more than ${MAX_STEPS} pieces; expected a project file`,
        placeOf(node),
      );
    switch (node.kind) {
      case "text":
        this.out.literal(this.source, node.from, node.to);
        break;
      case "output": {
        const v = this.output(node.expr, node.at, scope);
        if (v !== undefined) this.out.value(toText(v), node.at);
        break;
      }
      case "if": {
        const chosen = this.branch(node, scope);
        if (chosen) this.nodes(chosen, scope);
        break;
      }
      case "for":
        this.loop(node, scope);
        break;
      case "set": {
        if ("broken" in node.set) {
          this.problem(node.set.broken, node.at);
          break;
        }
        const { name, value } = node.set;
        const v = this.value(value, node.at, scope, evaluate);
        if (v !== undefined) scope.set(name, v);
        break;
      }
    }
    if (this.out.length > MAX_OUTPUT)
      throw new TooLarge(
        `the template renders more than ${MAX_OUTPUT} characters; expected a project file`,
        placeOf(node),
      );
  }

  /** The body an `if` renders: the first true branch, else `else`; none when a test fails. */
  private branch(node: Extract<TemplateNode, { kind: "if" }>, scope: Frame) {
    for (const branch of node.branches) {
      const test = this.value(branch.test, branch.at, scope, isTrue);
      if (test === undefined) return undefined;
      if (test) return branch.body;
    }
    return node.otherwise;
  }

  /** Jinjava gives a loop one scope: `set` in the body lasts from one item to the next. */
  private loop(node: Extract<TemplateNode, { kind: "for" }>, scope: Frame): void {
    if ("broken" in node.loop) {
      this.problem(node.loop.broken, node.at);
      return;
    }
    const { name, items } = node.loop;
    const list = this.value(items, node.at, scope, evaluate);
    if (list === undefined) return;
    const all = iterate(list);
    const inner = scope.child();
    all.forEach((item, i) => {
      inner.set(name, item);
      inner.set("loop", {
        record: {
          index: numberValue(i + 1),
          index0: numberValue(i),
          revindex: numberValue(all.length - i),
          revindex0: numberValue(all.length - i - 1),
          first: i === 0,
          last: i === all.length - 1,
          length: numberValue(all.length),
        },
      });
      this.nodes(node.body, inner);
    });
  }

  /** `{{ name }}`, most tags of most files, goes straight to the scope. */
  private output(expr: Expr | Broken, at: number, scope: Frame): TemplateValue | undefined {
    if ("t" in expr && expr.t === "name" && !expr.name.includes(".")) {
      const v = scope.get(expr.name);
      if (v !== undefined) return v;
    }
    return this.value(expr, at, scope, evaluate);
  }

  /** An expression's value; undefined when it cannot be had (the problem is then reported). */
  private value<T>(
    expr: Expr | Broken,
    at: number,
    scope: Frame,
    how: (e: Expr, scope: Scope, missing: string[]) => T,
  ): T | undefined {
    if ("broken" in expr) return this.problem(expr.broken, at);
    const missing: string[] = [];
    let v: T;
    try {
      v = how(expr, scope, missing);
    } catch (e) {
      if (e instanceof TemplateError) return this.problem(e.message, at);
      throw e;
    }
    for (const name of missing) {
      const key = `${name}@${at}`;
      this.reported ??= new Set();
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.undefinedNames.push({ name, offset: at });
    }
    return v;
  }

  private problem(message: string, offset: number): undefined {
    const end = tagEnd(this.source, offset, this.source[offset + 1] as "{" | "%");
    const text = this.source.slice(offset, end);
    const full = `cannot render ${text.length < 80 ? text : `${text.slice(0, 77)}…`}: ${message}`;
    const key = `${offset}:${full}`;
    this.reported ??= new Set();
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.problems.push({ message: full, offset });
    }
    return undefined;
  }
}

/** Rendered text as pieces, each knowing where it came from, to map positions back. */
class Output {
  private readonly pieces: string[] = [];
  private readonly starts: number[] = []; // rendered offset of each piece
  private readonly origins: number[] = []; // source offset of each piece
  private readonly copied: boolean[] = []; // literal copy (offsets inside map one to one)
  length = 0;

  literal(source: string, from: number, to: number): void {
    this.push(source.slice(from, to), from, true);
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
