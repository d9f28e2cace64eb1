/**
 * Text from a server or a project reaches a terminal: an ESC or a C1 control in it could move the
 * cursor, rewrite the title or hide what came before, and a bidi override could show a line in
 * another order than it reads. Every such string (server answers, names and values in messages)
 * goes through here before it is printed.
 */

/** C0 controls, DEL, C1 controls, line and paragraph separators, bidi marks and overrides. */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same less the C0 controls, which JSON.stringify already escapes. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => (c.codePointAt(0) ?? 0).toString(16).padStart(width, "0");

/** The text with every unsafe character shown as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => (c <= "\u00ff" ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * JSON for `--json`, with the unsafe characters JSON.stringify leaves raw written as `\uXXXX`
 * escapes: the same value for a JSON reader, nothing a terminal acts on.
 */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}
