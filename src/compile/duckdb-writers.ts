import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Pipeline, Task } from "../pipeline/pipeline.js";

/** Every pool of a DuckDB file starts so: `duckdb:datasets/bakery.duckdb`. */
export const DUCKDB_POOL_PREFIX = "duckdb:";

/**
 * The pool of the DuckDB file a connection writes to, or undefined when the connection is not a
 * DuckDB file (another engine, or `:memory:`, which each process has for itself). The name holds
 * the file's path relative to the project root (absolute when outside it), so two projects on
 * one machine never share a pool by accident while one project's pipelines always do.
 * @example duckdbPool("jdbc:duckdb:/srv/bakery/datasets/duckdb.db", "/srv/bakery") // "duckdb:datasets/duckdb.db"
 */
export function duckdbPool(connectionUrl: string | undefined, root: string): string | undefined {
  const m = /^jdbc:duckdb:([^?]*)/i.exec(connectionUrl?.trim() ?? "");
  const file = m?.[1]?.trim();
  if (file === undefined || file === "" || file === ":memory:" || file.startsWith(":memory:"))
    return undefined;
  // DuckDB opens a relative path from the working folder, which is SL_ROOT for every command
  const absolute = resolve(root, file);
  const inside = relative(resolve(root), absolute);
  const shown =
    inside === "" || inside.startsWith("..") || isAbsolute(inside)
      ? absolute
      : inside.split(sep).join("/");
  return `${DUCKDB_POOL_PREFIX}${shown}`;
}

/**
 * One writer per DuckDB file: DuckDB lets a single process open a file for writing, so a second
 * Starlake command started on the same file fails on its lock (and a load that loses it leaves
 * its file behind in Starlake's `ingesting/` folder). Every load and transform gets the file's
 * one-slot pool, declared in `pools`, and every runner serialises them; pre-load checks and
 * stages only look at and move files (measured with Starlake 1.5.16: they never open the
 * database), so they, and commands on other connections, keep running in parallel, and a pre-load
 * waiting for an ack file holds no slot. A pool the dag config asked for (`default_pool`)
 * gives way to the file's pool, with a note for `slo plan`: a runner holds one pool per task.
 */
export function oneWriterPerDuckdbFile(
  pipelines: readonly Pipeline[],
  pool: string | undefined,
): Pipeline[] {
  if (pool === undefined) return [...pipelines];
  return pipelines.map((p) => {
    if (!p.tasks.some(writes)) return p;
    const replaced = new Set<string>();
    const tasks = p.tasks.map((t) => {
      if (!writes(t)) return t;
      const own = t.pool ?? p.defaults.pool;
      // Airflow's default_pool throttles nothing of the project: not worth a mention
      if (own !== undefined && own !== pool && own !== "default_pool") replaced.add(own);
      return { ...t, pool };
    });
    const note = `loads and transforms use pool ${pool} (1 slot: one writer per DuckDB file)${
      replaced.size > 0 ? ` instead of ${[...replaced].sort().join(", ")}` : ""
    }`;
    return {
      ...p,
      tasks,
      pools: { ...p.pools, [pool]: 1 },
      notes: [...(p.notes ?? []), note],
    };
  });
}

const writes = (t: Task) =>
  t.command !== undefined && (t.kind === "load" || t.kind === "transform");
