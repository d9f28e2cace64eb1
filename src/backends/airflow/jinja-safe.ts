/**
 * Airflow renders some operator fields (bash_command, env, cwd) with Jinja. A literal value is
 * written as a Jinja string expression, so that it comes out unchanged, when it holds `{{`, `{%`
 * or `{#` (markup), a carriage return (Jinja turns CR and CRLF into LF in template text, not in
 * string literals) or ends as a template file name (`.sh`, `.bash`: Airflow would read a file).
 */
export function jinjaSafe(text: string): string {
  if (!/\{[{%#]|\r|\.(?:sh|bash)$/.test(text)) return text;
  return `{{ ${jinjaString(text)} }}`;
}

/** A Jinja string literal that evaluates to `text`. */
export function jinjaString(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r");
  return `"${escaped}"`;
}

/** A word for bash: single-quoted, so `$`, backticks and `$(…)` stay literal. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** What bash reads the same bare: no expansion, globbing, splitting or comment starts from it. */
export const BARE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * What reads the same inside bash double quotes and needs no Jinja care: nothing that bash
 * expands or escapes there (`$`, backtick, `"`, `\\`, `!`), no braces, no line breaks.
 */
export const DOUBLE_QUOTABLE = /^[^$`"\\!{}\r\n]*$/;

/**
 * A word for bash, quoted only when it needs it: bare when bash reads it the same, in double
 * quotes when that is enough (a quote `'` reads better so), else single-quoted.
 */
export function shellToken(text: string): string {
  if (BARE.test(text)) return text;
  return DOUBLE_QUOTABLE.test(text) ? `"${text}"` : shellWord(text);
}
