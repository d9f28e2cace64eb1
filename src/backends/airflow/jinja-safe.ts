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
