/**
 * Makes Starlake's Jinja SQL parseable without moving anything: `{# … #}` and `{% … %}` become
 * spaces, `{{ … }}` an identifier of `_` of the same length (starting with `J`), newlines stay.
 * References and parse errors then point at the right line and column of the original file.
 */
export function neutraliseJinja(text: string): string {
  if (!text.includes("{")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{", i);
    const kind = open < 0 ? undefined : text[open + 1];
    if (open < 0 || (kind !== "{" && kind !== "%" && kind !== "#")) {
      out += text.slice(i, open < 0 ? text.length : open + 1);
      i = open < 0 ? text.length : open + 1;
      continue;
    }
    const closer = kind === "{" ? "}}" : `${kind}}`;
    const close = text.indexOf(closer, open + 2);
    if (close < 0) return out + text.slice(i);
    out += text.slice(i, open);
    const tag = text.slice(open, close + 2);
    out += kind === "{" ? identifierLike(tag) : tag.replace(/[^\n]/g, " ");
    i = close + 2;
  }
  return out;
}

function identifierLike(tag: string): string {
  let first = true;
  return tag.replace(/[^\n]/g, () => {
    const c = first ? "J" : "_";
    first = false;
    return c;
  });
}
