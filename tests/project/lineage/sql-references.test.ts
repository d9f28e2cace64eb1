import { beforeAll, describe, expect, it } from "vitest";
import {
  dialectForEngine,
  initSqlParser,
  type SqlReference,
  sqlReferences,
} from "../../../src/project/lineage/sql-references.js";

beforeAll(() => initSqlParser());

function refs(sql: string, dialect: Parameters<typeof sqlReferences>[1] = "duckdb"): string[] {
  const r = sqlReferences(sql, dialect);
  if (!r.ok) throw new Error(r.message);
  return r.references.map((x: SqlReference) => x.parts.join("."));
}

describe("sqlReferences", () => {
  it("finds FROM and JOIN tables with one, two and three parts, with positions", () => {
    const r = sqlReferences(
      "SELECT *\nFROM shop.orders o\n  JOIN customers c ON c.id = o.c\n  JOIN db.kitchen.batches b ON true",
      "duckdb",
    );
    expect(r).toEqual({
      ok: true,
      references: [
        { parts: ["shop", "orders"], line: 2, col: 6 },
        { parts: ["customers"], line: 3, col: 8 },
        { parts: ["db", "kitchen", "batches"], line: 4, col: 8 },
      ],
    });
  });

  it("does not take CTE names, aliases, columns, literals or comments for tables", () => {
    const sql = `-- rows from other_table
      WITH recent AS (SELECT * FROM shop.orders /* join ghost */)
      SELECT EXTRACT(YEAR FROM r.ordered_at), 'from foo join bar' AS note
      FROM recent r`;
    expect(refs(sql)).toEqual(["shop.orders"]);
  });

  it("scopes CTE names: a CTE body does not see itself unless recursive, later CTEs do", () => {
    expect(refs("WITH orders AS (SELECT * FROM orders) SELECT * FROM orders")).toEqual(["orders"]);
    expect(refs("WITH a AS (SELECT * FROM t), b AS (SELECT * FROM a) SELECT * FROM b")).toEqual([
      "t",
    ]);
    expect(
      refs(
        "WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT * FROM n",
      ),
    ).toEqual([]);
    expect(refs("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) q JOIN x ON true")).toEqual([
      "x",
    ]);
    expect(refs("WITH x AS (SELECT 1) SELECT * FROM s.x")).toEqual(["s.x"]);
  });

  it("walks subqueries, set operations and IN / EXISTS", () => {
    const sql =
      "SELECT * FROM a WHERE id IN (SELECT id FROM b) AND EXISTS (SELECT 1 FROM c) UNION SELECT * FROM (SELECT * FROM d) q";
    expect(refs(sql)).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps quoted names with $ and non-ASCII letters whole", () => {
    expect(refs('SELECT * FROM "Ventes€".t JOIN "prix$".café ON true')).toEqual([
      "Ventes€.t",
      "prix$.café",
    ]);
  });

  it("splits BigQuery backtick paths into parts", () => {
    expect(refs("SELECT * FROM `proj.sales.orders`", "bigquery")).toEqual(["proj.sales.orders"]);
    const r = sqlReferences("SELECT * FROM `proj.sales.orders`", "bigquery");
    expect(r.ok && r.references[0]?.parts).toEqual(["proj", "sales", "orders"]);
  });

  it("ignores table functions and write targets but reads their sources", () => {
    expect(refs("SELECT * FROM read_csv('f.csv') JOIN unnest([1]) AS u ON true")).toEqual([]);
    expect(refs("INSERT INTO out.t SELECT * FROM src.a")).toEqual(["src.a"]);
    expect(refs("CREATE TABLE out.t AS SELECT * FROM src.b")).toEqual(["src.b"]);
  });

  it("reads every statement of a file, once per table", () => {
    expect(refs("SELECT * FROM a; SELECT * FROM b JOIN a ON true;")).toEqual(["a", "b"]);
  });

  it("understands Jinja files and keeps positions", () => {
    const sql =
      "SELECT *\nFROM sales.revenue\nWHERE day <= '{{ sl_end_date }}'\n{% if recent %}AND x = {{ limit }}{% endif %}\nUNION ALL SELECT * FROM\n  kpi.more";
    expect(sqlReferences(sql, "duckdb")).toEqual({
      ok: true,
      references: [
        { parts: ["sales", "revenue"], line: 2, col: 6 },
        { parts: ["kpi", "more"], line: 6, col: 3 },
      ],
    });
  });

  it("reports a syntax error with its line and column", () => {
    expect(sqlReferences("SELECT *\nFROM t\nWHERE x = = 1", "duckdb")).toMatchObject({
      ok: false,
      line: 3,
    });
    const r = sqlReferences("SELEC * FROM t", "duckdb");
    expect(r).toEqual({
      ok: false,
      message: "Expected: an SQL statement, found: SELEC",
      line: 1,
      col: 1,
    });
  });

  it("maps connection engines to dialects", () => {
    expect(dialectForEngine("jdbc:duckdb:/x/db.duckdb")).toBe("duckdb");
    expect(dialectForEngine("bigquery")).toBe("bigquery");
    expect(dialectForEngine("jdbc:postgresql://h/db")).toBe("postgresql");
    expect(dialectForEngine("snowflake")).toBe("snowflake");
    expect(dialectForEngine("fs")).toBe("spark");
    expect(dialectForEngine(undefined)).toBe("generic");
  });
});
