/**
 * Airflow renders some operator fields (bash_command, env, cwd) with Jinja. A literal value that
 * contains `{{`, `{%` or `{#` is written as a Jinja string expression so it comes out unchanged.
 */
export function jinjaSafe(text: string): string {
  if (!/\{[{%#]/.test(text)) return text;
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r");
  return `{{ "${escaped}" }}`;
}

/** A word for bash: single-quoted, so `$`, backticks and `$(…)` stay literal. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
