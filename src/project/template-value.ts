/**
 * Values inside a template and what Jinjava (Starlake's renderer) does with them. Project
 * variables are strings; literals, `{% set %}` and loops add numbers, booleans, lists and the
 * `loop` record. `null` is an undefined name or `none`: Jinjava makes no difference between them.
 */
export type TemplateValue =
  | string
  | TemplateNumber
  | boolean
  | null
  | readonly TemplateValue[]
  | TemplateRecord;

/** A number keeps the text it was written with: Jinjava prints `2.0` as written, not `2`. */
export interface TemplateNumber {
  readonly number: number;
  readonly text: string;
}

export interface TemplateRecord {
  readonly record: Readonly<Record<string, TemplateValue>>;
}

/** A template we cannot read or evaluate (Jinjava fails the whole file on these); the message says why. */
export class TemplateError extends Error {}

export function numberValue(n: number): TemplateNumber {
  return { number: n, text: String(n) };
}

function isNumber(v: TemplateValue): v is TemplateNumber {
  return typeof v === "object" && v !== null && "number" in v;
}

export function isRecord(v: TemplateValue): v is TemplateRecord {
  return typeof v === "object" && v !== null && "record" in v;
}

/** Jinjava's truth (`ObjectTruthValue`): unlike Python, the string "false" (any case) is false. */
export function truthy(v: TemplateValue): boolean {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v !== "" && v.toLowerCase() !== "false";
  if (Array.isArray(v)) return v.length > 0;
  if (isNumber(v)) return v.number !== 0;
  return Object.keys((v as TemplateRecord).record).length > 0;
}

/** The text Jinjava prints: nothing for null, `true`, lists as `[a, b]` (Java's way). */
export function toText(v: TemplateValue): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? "null" : toText(x))).join(", ")}]`;
  if (isNumber(v)) return v.text;
  const entries = Object.entries((v as TemplateRecord).record);
  return `{${entries.map(([k, x]) => `${k}=${toText(x)}`).join(", ")}}`;
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A value as a number, as Java's expression language coerces it (an empty string is 0). */
function asNumber(v: TemplateValue, other: TemplateValue): number {
  if (isNumber(v)) return v.number;
  if (typeof v === "string" && (v === "" || NUMERIC.test(v))) return v === "" ? 0 : Number(v);
  throw new TemplateError(`cannot compare ${describe(v)} with ${describe(other)}`);
}

function describe(v: TemplateValue): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isNumber(v)) return `the number ${v.text}`;
  if (Array.isArray(v)) return "a list";
  return toText(v);
}

export type CompareOp = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** `==` and the orderings, with Java's expression-language coercions (numbers win, then booleans, then text). */
export function compare(op: CompareOp, a: TemplateValue, b: TemplateValue): boolean {
  if (op === "==") return equal(a, b);
  if (op === "!=") return !equal(a, b);
  // Java's expression language: a value is <= and >= itself (null included), never < or >.
  if (a === b) return op === "<=" || op === ">=";
  if (a === null || b === null) return false;
  let order: number;
  if (isNumber(a) || isNumber(b)) order = asNumber(a, b) - asNumber(b, a);
  else if (typeof a === "string" || typeof b === "string") {
    const x = toText(a);
    const y = toText(b);
    order = x < y ? -1 : x > y ? 1 : 0;
  } else if (typeof a === "boolean" && typeof b === "boolean") order = Number(a) - Number(b);
  else throw new TemplateError(`cannot order ${describe(a)} and ${describe(b)}`);
  if (op === "<") return order < 0;
  if (op === ">") return order > 0;
  return op === "<=" ? order <= 0 : order >= 0;
}

function equal(a: TemplateValue, b: TemplateValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) || isNumber(b)) return asNumber(a, b) === asNumber(b, a);
  if (typeof a === "boolean" || typeof b === "boolean") return truthy(a) === truthy(b);
  if (typeof a === "string" || typeof b === "string") return toText(a) === toText(b);
  return same(a, b);
}

/** Java's `equals` on collections: same kinds, same values, no coercion. */
function same(a: TemplateValue, b: TemplateValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) && isNumber(b)) return a.number === b.number;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i] as TemplateValue));
  return false;
}

/**
 * `item in container` as Jinjava's membership operator: a substring of a string, an element of a
 * list (the item coerced to the kind of the list's first non-null element), a key of a record.
 */
export function contains(container: TemplateValue, item: TemplateValue): boolean {
  if (typeof container === "string") return container.includes(toText(item));
  if (Array.isArray(container)) {
    const first = container.find((x) => x !== null);
    if (first === undefined) return item === null && container.length > 0;
    if (typeof first === "string") return container.includes(toText(item));
    if (typeof first === "boolean") return container.includes(truthy(item));
    if (isNumber(first)) {
      let n: number;
      try {
        n = asNumber(item, first);
      } catch {
        return false;
      }
      return container.some((x) => x !== null && isNumber(x) && x.number === n);
    }
    return container.some((x) => same(x, item));
  }
  if (container !== null && isRecord(container))
    return Object.hasOwn(container.record, toText(item));
  return false;
}

/** The items a `{% for %}` walks (Jinjava's `ObjectIterator`): a value that is not a list is one item. */
export function iterate(v: TemplateValue): readonly TemplateValue[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  if (isRecord(v)) return Object.values(v.record);
  return [v];
}

/** An attribute (`loop.index`); null when the value has none, as Jinjava answers. */
export function attribute(v: TemplateValue, name: string): TemplateValue {
  if (v !== null && isRecord(v) && Object.hasOwn(v.record, name)) return v.record[name] ?? null;
  return null;
}

/** The value of `is <name>` tests that Starlake projects use (`is defined`, `is none`…). */
export const TESTS: Readonly<Record<string, (v: TemplateValue) => boolean>> = {
  defined: (v) => v !== null,
  undefined: (v) => v === null,
  none: (v) => v === null,
  string: (v) => typeof v === "string",
  number: (v) => v !== null && isNumber(v),
  boolean: (v) => typeof v === "boolean",
  iterable: (v) => Array.isArray(v),
  true: (v) => v === true,
  false: (v) => v === false,
};
