import type { Pipeline } from "../pipeline/pipeline.js";

/**
 * Header comment lines naming the pools the pipelines declare (one writer per DuckDB file) and
 * the command that creates each one: neither Airflow nor Dagster can be told from a generated file
 * (no I/O at import), and Airflow does not schedule a task whose pool is missing.
 */
export function declaredPoolLines(
  pipelines: readonly Pipeline[],
  create: (quotedName: string, slots: number) => string,
): string[] {
  const pools = new Map<string, number>();
  for (const p of pipelines)
    for (const [name, slots] of Object.entries(p.pools ?? {}))
      pools.set(name, Math.min(slots, pools.get(name) ?? slots));
  return [...pools]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([name, slots]) =>
        `# Pool ${oneLine(name)}: ${slots} slot${slots === 1 ? "" : "s"} (one writer per DuckDB file); create it once: ${create(shellQuoted(name), slots)}`,
    );
}

/** Single quotes for a POSIX shell, on one line, so the comment can be pasted as it is. */
function shellQuoted(text: string): string {
  return `'${oneLine(text).replaceAll("'", "'\\''")}'`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
