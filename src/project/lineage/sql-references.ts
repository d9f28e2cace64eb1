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

/** A table a query reads: its identifier parts, unquoted, and where the first one is written. */
export interface SqlReference {
  readonly parts: readonly string[];
  readonly line: number;
  readonly col: number;
}

export type SqlReferencesResult =
  | { readonly ok: true; readonly references: readonly SqlReference[] }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly col?: number };

let loading: Promise<void> | undefined;
let ready = false;

/** Loads the SQL parser (WebAssembly) once; later calls return the same promise. */
export function initSqlParser(): Promise<void> {
  loading ??= init().then(() => {
    ready = true;
  });
  return loading;
}

// Order matters: a JDBC URL for Databricks may mention spark, one for Redshift postgres.
const ENGINE_DIALECTS: ReadonlyArray<readonly [string, SqlDialect]> = [
  ["duckdb", "duckdb"],
  ["bigquery", "bigquery"],
  ["snowflake", "snowflake"],
  ["redshift", "redshift"],
  ["postgres", "postgresql"],
  ["databricks", "databricks"],
  ["spark", "spark"],
  ["hive", "hive"],
  ["mysql", "mysql"],
  ["mariadb", "mysql"],
  ["sqlserver", "mssql"],
  ["mssql", "mssql"],
  ["clickhouse", "clickhouse"],
  ["oracle", "oracle"],
  ["sqlite", "sqlite"],
  ["teradata", "teradata"],
];

/** The parser dialect for a Starlake connection type, engine name or JDBC URL; `generic` if unknown. */
export function dialectForEngine(engine: string | undefined): SqlDialect {
  const e = (engine ?? "").trim().toLowerCase();
  if (e === "fs" || e === "local") return "spark"; // Starlake runs file connections on Spark
  return ENGINE_DIALECTS.find(([word]) => e.includes(word))?.[1] ?? "generic";
}

/**
 * The tables a SQL file reads (FROM, JOIN, subqueries, CTE bodies, every statement), in file order.
 * @example sqlReferences("SELECT * FROM shop.orders", "duckdb") // parts ["shop", "orders"] at 1:15
 */
export function sqlReferences(sql: string, dialect: SqlDialect): SqlReferencesResult {
  if (!ready) throw new Error("sqlReferences(): await initSqlParser() first");
  const parsed = parseStatements(neutraliseJinja(sql), dialect);
  if (!Array.isArray(parsed)) return parsed;
  const found: SqlReference[] = [];
  visit(parsed, NO_CTES, found);
  return { ok: true, references: inFileOrder(found) };
}

// Parses with the dialect, then once with `generic`; reports the first dialect's error.
function parseStatements(text: string, dialect: SqlDialect): unknown[] | SqlReferencesResult {
  try {
    return parse(text, dialect);
  } catch (error) {
    if (dialect !== "generic") {
      try {
        return parse(text, "generic");
      } catch {
        // the chosen dialect's message is the one worth showing
      }
    }
    return parseFailure(error);
  }
}

const AT = / at Line: (\d+), Column: (\d+)$/;

function parseFailure(error: unknown): SqlReferencesResult {
  const first = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "";
  const message = first.replace(/^sql parser error: /, "");
  const at = AT.exec(message);
  if (!at) return { ok: false, message };
  return {
    ok: false,
    message: message.slice(0, at.index),
    line: Number(at[1]),
    col: Number(at[2]),
  };
}

function inFileOrder(found: SqlReference[]): SqlReference[] {
  found.sort((a, b) => a.line - b.line || a.col - b.col);
  const seen = new Set<string>();
  return found.filter((r) => {
    const key = r.parts.join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- AST walk: generic over objects and arrays, with a few node shapes recognised by key ----

type Node = { readonly [key: string]: unknown };
// Lower-cased CTE names visible at this point of the query.
type Scope = ReadonlySet<string>;
type Visitor = (value: Node, scope: Scope, found: SqlReference[]) => void;

const NO_CTES: Scope = new Set();

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null;
}

function visit(value: unknown, scope: Scope, found: SqlReference[]): void {
  if (!isNode(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) visit(item, scope, found);
    return;
  }
  const ctes = value.body !== undefined && isNode(value.with) ? value.with : undefined;
  const inner = ctes ? withScope(ctes, scope, found) : scope;
  visitFields(value, inner, found, ctes ? "with" : "");
}

// Visits every field but `skip`; a field named after a recognised node kind gets its visitor.
function visitFields(node: Node, scope: Scope, found: SqlReference[], skip: string): void {
  for (const key in node) {
    const value = node[key];
    if (key === skip || key === "span" || !isNode(value)) continue;
    const special = Array.isArray(value) ? undefined : VISITORS.get(key);
    if (special) special(value, scope, found);
    else visit(value, scope, found);
  }
}

// A CTE is visible to later CTEs and the body; to every body of the WITH when it is recursive.
function withScope(withClause: Node, outer: Scope, found: SqlReference[]): Scope {
  const ctes = Array.isArray(withClause.cte_tables) ? withClause.cte_tables.filter(isNode) : [];
  const names = ctes.map((cte) => aliasOf(cte) ?? "");
  const all = extend(outer, names);
  ctes.forEach((cte, i) => {
    visit(cte.query, withClause.recursive === true ? all : extend(outer, names.slice(0, i)), found);
  });
  return all;
}

// Lower-cased `alias.name` of a CTE or a relation.
function aliasOf(node: Node): string | undefined {
  const alias = isNode(node.alias) && isNode(node.alias.name) ? node.alias.name.value : undefined;
  return typeof alias === "string" ? alias.toLowerCase() : undefined;
}

function extend(scope: Scope, names: readonly string[]): Scope {
  return names.length === 0 ? scope : new Set([...scope, ...names]);
}

// A Map, not an object literal: an AST key such as `constructor` must not find a prototype member.
const VISITORS: ReadonlyMap<string, Visitor> = new Map([
  ["Table", visitTable],
  ["Update", visitUpdate],
  ["Delete", visitDelete],
  ["Merge", (merge, scope, found) => visitFields(merge, scope, found, "table")],
]);

// A `Table` relation: a read, unless it is a CTE, a table function or a DuckDB file path.
function visitTable(relation: Node, scope: Scope, found: SqlReference[]): void {
  const isFunction = relation.args !== undefined && relation.args !== null;
  const name = Array.isArray(relation.name) && !isFunction ? tableName(relation.name) : undefined;
  if (name && !(name.parts.length === 1 && scope.has((name.parts[0] ?? "").toLowerCase()))) {
    found.push(name);
  }
  visitFields(relation, scope, found, Array.isArray(relation.name) ? "name" : "");
}

// Parts of an object name; undefined for `IDENTIFIER(…)`-like parts and `'file.csv'`.
function tableName(name: readonly unknown[]): SqlReference | undefined {
  const parts: string[] = [];
  let start: unknown;
  for (const part of name) {
    const ident = isNode(part) && isNode(part.Identifier) ? part.Identifier : undefined;
    if (!ident || typeof ident.value !== "string" || ident.quote_style === "'") return undefined;
    // other dialects than BigQuery keep a backticked `proj.dataset.table` as one identifier
    if (ident.quote_style === "`") parts.push(...ident.value.split("."));
    else parts.push(ident.value);
    start ??= isNode(ident.span) ? ident.span.start : undefined;
  }
  const at = isNode(start) ? start : {};
  return parts.length === 0
    ? undefined
    : { parts, line: Number(at.line ?? 0), col: Number(at.column ?? 0) };
}

// UPDATE writes its first relation; joined tables (MySQL) and FROM are reads.
function visitUpdate(update: Node, scope: Scope, found: SqlReference[]): void {
  const target = isNode(update.table) && update.table.relation !== undefined ? update.table : {};
  visit(target.joins, scope, found);
  visitFields(update, scope, found, target.relation !== undefined ? "table" : "");
}

// DELETE writes its FROM tables, or with MySQL's `DELETE t1 FROM t1 JOIN t2` the ones listed first.
function visitDelete(del: Node, scope: Scope, found: SqlReference[]): void {
  const from = isNode(del.from) ? Object.values(del.from).flat().filter(isNode) : [];
  const targets = Array.isArray(del.tables) ? del.tables.map(lastPart) : [];
  for (const source of from) {
    const written = targets.length === 0 || targets.includes(relationName(source.relation));
    visit(written ? source.joins : source, scope, found);
  }
  visitFields(del, scope, found, "from");
}

// Lower-cased alias, or last name part, of a `{ Table: … }` relation.
function relationName(relation: unknown): string {
  const table = isNode(relation) && isNode(relation.Table) ? relation.Table : {};
  return aliasOf(table) ?? lastPart(table.name);
}

function lastPart(name: unknown): string {
  const last = Array.isArray(name) ? name[name.length - 1] : undefined;
  const ident = isNode(last) && isNode(last.Identifier) ? last.Identifier.value : undefined;
  return typeof ident === "string" ? ident.toLowerCase() : "";
}
