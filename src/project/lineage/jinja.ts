import { tagEnd } from "../template.js";
/**
 * Makes Jinja SQL parseable without moving a character: `{# … #}` and `{% … %}` become spaces and
 * `{{ … }}` an identifier `J___…` of the same length, line breaks kept.
 * @example neutraliseJinja("WHERE d = {{ day }}") // "WHERE d = J______"
 */
export function neutraliseJinja(text: string): string {
  if (!text.includes("{")) return text;
  const out: string[] = [];
  let copied = 0; // text before this index is already in `out`
  let open = text.indexOf("{");
  while (open >= 0) {
    const kind = text[open + 1];
    if (kind !== "{" && kind !== "%" && kind !== "#") {
      open = text.indexOf("{", open + 1);
      continue;
    }
    const end = tagEnd(text, open, kind);
    if (end < 0) break; // unterminated: the rest stays as written
    const tag = text.slice(open, end);
    out.push(text.slice(copied, open), kind === "{" ? asIdentifier(tag) : asSpaces(tag));
    copied = end;
    open = text.indexOf("{", kind === "%" && RAW.test(tag) ? rawEnd(text, end) : end);
  }
  out.push(text.slice(copied));
  return out.join("");
}

const RAW = /^\{%-?\s*raw\s*-?%\}$/;
const END_RAW = /\{%-?\s*endraw\s*-?%\}/g;

// Where the `{% endraw %}` after a raw block starts: the block itself is kept verbatim.
function rawEnd(text: string, from: number): number {
  END_RAW.lastIndex = from;
  return END_RAW.exec(text)?.index ?? text.length;
}

function asSpaces(tag: string): string {
  return tag.replace(/[^\r\n]/g, " ");
}

function asIdentifier(tag: string): string {
  return `J${tag.slice(1).replace(/[^\r\n]/g, "_")}`;
}
