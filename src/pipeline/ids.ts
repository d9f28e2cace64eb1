/**
 * The one place where names become ids. Starlake allows `$`, `£` and other letters in names; ids
 * keep only `[A-Za-z0-9_]` so that the same id is valid in Airflow (task and DAG ids), Dagster
 * (op, job and asset names) and file names. `$` becomes `S` as in the Python library; unlike it we
 * also replace `-`, which Dagster rejects (spec §8.2). Case is kept; callers lower-case when needed.
 * @example sanitizeId("My$Pipeline-x.y") // "MySPipeline_x_y"
 */
export function sanitizeId(name: string): string {
  return name.replace(/\$/g, "S").replace(/[^A-Za-z0-9_]/gu, "_");
}

/** Joins id parts with `_`, sanitising each. */
export function joinId(...parts: readonly string[]): string {
  return sanitizeId(parts.filter((p) => p.length > 0).join("_"));
}
