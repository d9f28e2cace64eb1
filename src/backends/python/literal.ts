/** A JSON-like value that can be written as a Python literal. */
export type PyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | PyCode
  | readonly PyValue[]
  | { readonly [key: string]: PyValue };

/** Python source written as is (a name, a call): the one way code enters a literal. */
export class PyCode {
  constructor(readonly code: string) {}
}

/** Marks Python source to be written as is. */
export function code(text: string): PyCode {
  return new PyCode(text);
}

/**
 * A Python string literal for any text: double quotes, and escapes for backslashes, quotes,
 * control characters, line and paragraph separators. Non-ASCII letters stay readable.
 * @example pyString('a "b"\n') // "\"a \\\"b\\\"\\n\""
 */
export function pyString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (
      c < 0x20 ||
      c === 0x7f ||
      (c >= 0x80 && c < 0xa0) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0xfeff
    ) {
      out +=
        c <= 0xff
          ? `\\x${c.toString(16).padStart(2, "0")}`
          : `\\u${c.toString(16).padStart(4, "0")}`;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Writes a value as a Python literal on one line (the formatter wraps long lines). Arrays are
 * lists, or tuples with `sequences: "tuple"`: data that only gets read, which Python's garbage
 * collector then stops tracking (with dicts holding nothing else).
 */
export function pyLiteral(value: PyValue, sequences: "list" | "tuple" = "list"): string {
  if (value === null || value === undefined) return "None";
  if (value instanceof PyCode) return value.code;
  if (typeof value === "string") return pyString(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Python literal`);
    return String(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => pyLiteral(v, sequences));
    if (sequences === "list") return `[${items.join(", ")}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  const entries = Object.entries(value as Record<string, PyValue>);
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyLiteral(v, sequences)}`).join(", ")}}`;
}
