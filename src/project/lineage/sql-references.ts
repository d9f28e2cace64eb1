import { init, parse } from "@guanmingchiu/sqlparser-ts";
import { neutraliseJinja } from "./jinja.js";

export type SqlDialect =
  | "generic"
  | "ansi"
  | "duckdb"
  | "bigquery"
  | "snowflake"
  | "postgresql"
  | "redshift"
  | "mysql"
  | "databricks"
  | "spark"
  | "hive"
  | "mssql"
  | "clickhouse"
  | "oracle"
  | "sqlite"
  | "teradata";

/** A table a query reads, as written (identifier parts, unquoted), where it was written. */
export interface SqlReference {
  readonly parts: readonly string[];
  readonly line: number;
  readonly col: number;
}

export type SqlReferencesResult =
  | { readonly ok: true; readonly references: readonly SqlReference[] }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly col?: number };

let ready: Promise<void> | undefined;
let initialised = false;

/** Loads the SQL parser (WebAssembly) once. */
export function initSqlParser(): Promise<void> {
  ready ??= init().then(() => {
    initialised = true;
  });
  return ready;
}

/** Picks the parser dialect from the active connection (engine name or JDBC URL). */
export function dialectForEngine(engine: string | undefined): SqlDialect {
  const e = (engine ?? "").toLowerCase();
  const pairs: Array<[string, SqlDialect]> = [
    ["duckdb", "duckdb"],
    ["bigquery", "bigquery"],
    ["snowflake", "snowflake"],
    ["redshift", "redshift"],
    ["postgres", "postgresql"],
    ["databricks", "databricks"],
    ["mysql", "mysql"],
    ["spark", "spark"],
    ["hive", "hive"],
  ];
  return (
    pairs.find(([k]) => e.includes(k))?.[1] ?? (e === "fs" || e === "local" ? "spark" : "generic")
  );
}

/**
 * The tables a SQL file reads, found by walking a real parse tree: CTE names (with their scope),
 * aliases, columns, literals, comments, table functions and write targets are not tables.
 */
export function sqlReferences(sql: string, dialect: SqlDialect): SqlReferencesResult {
  if (!initialised) throw new Error("initSqlParser() must be awaited before sqlReferences()");
  const text = neutraliseJinja(sql);
  let ast: unknown;
  try {
    ast = parse(text, dialect);
  } catch (first) {
    try {
      ast = dialect === "generic" ? undefined : parse(text, "generic");
    } catch {
      ast = undefined;
    }
    if (ast === undefined) return parseError(first);
  }
  const found = new Map<string, SqlReference>();
  walk(ast, new Set(), found);
  return { ok: true, references: [...found.values()] };
}

function parseError(e: unknown): SqlReferencesResult {
  const message = (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
  const at = /at Line: (\d+), Column: (\d+)/.exec(message);
  const clean = message
    .replace(/^sql parser error: /, "")
    .replace(/ at Line: \d+, Column: \d+$/, "");
  return at
    ? { ok: false, message: clean, line: Number(at[1]), col: Number(at[2]) }
    : { ok: false, message: clean };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null;
}

function walk(node: unknown, scope: ReadonlySet<string>, out: Map<string, SqlReference>): void {
  if (!isObject(node)) return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, scope, out);
    return;
  }
  let inner = scope;
  const withClause = node.with;
  if ("body" in node && isObject(withClause) && Array.isArray(withClause.cte_tables)) {
    inner = withScope(withClause, scope, out);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "with" || key === "span" || !isObject(value)) continue;
    if (key === "Table" && Array.isArray(value.name)) {
      table(value, inner, out);
      continue;
    }
    walk(value, inner, out);
  }
}

/** CTEs are visible to the query body and to later CTEs; to their own body only when recursive. */
function withScope(
  withClause: Json,
  scope: ReadonlySet<string>,
  out: Map<string, SqlReference>,
): Set<string> {
  const names = new Set(scope);
  for (const cte of withClause.cte_tables as unknown[]) {
    if (!isObject(cte)) continue;
    const alias =
      isObject(cte.alias) && isObject(cte.alias.name)
        ? String(cte.alias.name.value ?? "").toLowerCase()
        : "";
    walk(cte.query, withClause.recursive === true ? new Set([...names, alias]) : names, out);
    if (alias) names.add(alias);
  }
  return names;
}

function table(relation: Json, scope: ReadonlySet<string>, out: Map<string, SqlReference>): void {
  // `read_csv('f')`, `unnest(x)`: a table function reads no project table, but its args may.
  if (relation.args !== undefined && relation.args !== null) {
    walk(relation.args, scope, out);
    return;
  }
  const idents = (relation.name as unknown[])
    .map((p) => (isObject(p) && isObject(p.Identifier) ? p.Identifier : p))
    .filter(isObject);
  const parts = idents.map((i) => String(i.value));
  if (parts.length === 0 || (parts.length === 1 && scope.has((parts[0] as string).toLowerCase())))
    return;
  const key = parts.join("\u0000");
  if (out.has(key)) return;
  const span = isObject(idents[0]?.span) ? (idents[0].span as Json) : undefined;
  const start = isObject(span?.start) ? (span.start as Json) : {};
  out.set(key, { parts, line: Number(start.line ?? 1), col: Number(start.column ?? 1) });
}
