import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  dialectForEngine,
  initSqlParser,
  type SqlDialect,
  sqlReferences,
} from "../../../src/project/lineage/sql-references.js";

beforeAll(() => initSqlParser());

// The references of `sql` as dotted names, failing the test on a parse error.
function refs(sql: string, dialect: SqlDialect = "duckdb"): string[] {
  const r = sqlReferences(sql, dialect);
  if (!r.ok) throw new Error(`${r.message} at ${r.line}:${r.col}`);
  return r.references.map((x) => x.parts.join("."));
}

describe("sqlReferences: what a query reads", () => {
  it("finds FROM and JOIN tables with one, two and three parts, with positions", () => {
    const sql =
      "SELECT *\nFROM shop.orders o\n  JOIN customers c ON c.id = o.c\n  LEFT JOIN db.kitchen.batches AS b ON true";
    expect(sqlReferences(sql, "duckdb")).toEqual({
      ok: true,
      references: [
        { parts: ["shop", "orders"], line: 2, col: 6 },
        { parts: ["customers"], line: 3, col: 8 },
        { parts: ["db", "kitchen", "batches"], line: 4, col: 13 },
      ],
    });
  });

  it("does not take aliases or columns for tables", () => {
    const sql = `SELECT o.id AS orders, EXTRACT(YEAR FROM o.ordered_at) AS y,
        SUBSTRING(c.name FROM 2 FOR 3), TRIM(BOTH ' ' FROM c.city)
      FROM shop.orders AS o JOIN shop.customers c ON c.id = o.customer_id`;
    expect(refs(sql)).toEqual(["shop.orders", "shop.customers"]);
  });

  it("ignores words in string literals and comments", () => {
    const sql = `-- reads from ghost_a
      SELECT 'from foo join bar' AS note /* join ghost_b */
      FROM real.t -- join ghost_c
      WHERE x <> 'select * from ghost_d'`;
    expect(refs(sql)).toEqual(["real.t"]);
  });

  it("walks subqueries in WHERE, IN, EXISTS, SELECT, FROM, LATERAL and nested joins", () => {
    const sql = `SELECT (SELECT max(v) FROM s.scalar) AS m
      FROM s.a
      JOIN (SELECT * FROM s.derived) d ON true
      JOIN (s.n1 JOIN s.n2 ON true) ON true,
      LATERAL (SELECT * FROM s.lat WHERE s.lat.x = a.x) l
      WHERE a.id IN (SELECT id FROM s.inlist)
        AND EXISTS (SELECT 1 FROM s.ex)
        AND a.v > ANY (SELECT v FROM s.anyq)`;
    expect(refs(sql, "postgresql")).toEqual([
      "s.scalar",
      "s.a",
      "s.derived",
      "s.n1",
      "s.n2",
      "s.lat",
      "s.inlist",
      "s.ex",
      "s.anyq",
    ]);
  });

  it("reads every side of UNION, INTERSECT and EXCEPT", () => {
    const sql =
      "SELECT * FROM t1 UNION ALL SELECT * FROM t2 INTERSECT SELECT * FROM t3 EXCEPT SELECT * FROM t4";
    expect(refs(sql)).toEqual(["t1", "t2", "t3", "t4"]);
  });

  it("keeps quoted names with $ and non-ASCII letters whole and unquoted", () => {
    expect(
      refs('SELECT * FROM "Weird$Name".t2 JOIN "Ventes€".t ON true JOIN ventes.café ON true'),
    ).toEqual(["Weird$Name.t2", "Ventes€.t", "ventes.café"]);
  });

  it("keeps the spelling: references differing only in case are both kept", () => {
    expect(refs("SELECT * FROM supply.Deliveries JOIN supply.deliveries ON true")).toEqual([
      "supply.Deliveries",
      "supply.deliveries",
    ]);
  });
});

describe("sqlReferences: CTE scoping", () => {
  it("does not report a CTE name", () => {
    expect(refs("WITH recent AS (SELECT * FROM shop.orders) SELECT * FROM recent r")).toEqual([
      "shop.orders",
    ]);
  });

  it("matches CTE names case-insensitively, as unquoted SQL names are", () => {
    expect(refs("WITH Recent AS (SELECT 1) SELECT * FROM RECENT")).toEqual([]);
  });

  it("lets a non-recursive CTE body read the real table of the same name", () => {
    expect(
      sqlReferences("WITH orders AS (SELECT * FROM orders) SELECT * FROM orders", "duckdb"),
    ).toEqual({ ok: true, references: [{ parts: ["orders"], line: 1, col: 31 }] });
  });

  it("shows a CTE to later CTEs and the body, not to earlier ones", () => {
    expect(refs("WITH a AS (SELECT * FROM t), b AS (SELECT * FROM a) SELECT * FROM b")).toEqual([
      "t",
    ]);
    expect(refs("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a")).toEqual(["b"]);
  });

  it("lets a recursive CTE read itself", () => {
    const sql =
      "WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT * FROM n";
    expect(refs(sql)).toEqual([]);
  });

  it("limits a CTE to the query that defines it, nested queries included", () => {
    expect(refs("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) q JOIN x ON true")).toEqual([
      "x",
    ]);
    expect(refs("WITH x AS (SELECT 1) SELECT * FROM a WHERE id IN (SELECT id FROM x)")).toEqual([
      "a",
    ]);
    expect(refs("WITH x AS (SELECT 1) SELECT * FROM x; SELECT * FROM x")).toEqual(["x"]);
  });

  it("never takes a qualified name for a CTE", () => {
    expect(refs("WITH x AS (SELECT 1) SELECT * FROM s.x JOIN x ON true")).toEqual(["s.x"]);
  });
});

describe("sqlReferences: what is not a table", () => {
  it("skips DuckDB table functions and file paths but reads tables in their arguments", () => {
    const sql = `SELECT * FROM read_csv('f.csv') JOIN unnest([1, 2]) AS u ON true
      JOIN generate_series(1, 3) g ON true JOIN 'data/x.parquet' p ON true
      JOIN unnest((SELECT list(id) FROM src.ids)) v ON true`;
    expect(refs(sql)).toEqual(["src.ids"]);
  });

  it("skips BigQuery UNNEST, Snowflake FLATTEN, TABLE() and IDENTIFIER()", () => {
    expect(refs("SELECT * FROM s.t, UNNEST(t.arr) AS x", "bigquery")).toEqual(["s.t"]);
    expect(refs("SELECT * FROM s.t, LATERAL FLATTEN(input => t.v) f", "snowflake")).toEqual([
      "s.t",
    ]);
    expect(
      refs("SELECT * FROM TABLE(my_fn(1)) JOIN IDENTIFIER('db.t') ON true", "snowflake"),
    ).toEqual([]);
  });

  it("reads the query of INSERT, CREATE TABLE AS and CREATE VIEW, not their target", () => {
    expect(refs("INSERT INTO out.t SELECT * FROM src.a")).toEqual(["src.a"]);
    expect(refs("INSERT INTO out.t (a) VALUES (1)")).toEqual([]);
    expect(refs("CREATE OR REPLACE TABLE out.t AS SELECT * FROM src.b")).toEqual(["src.b"]);
    expect(refs("CREATE VIEW out.v AS WITH c AS (SELECT * FROM src.c) SELECT * FROM c")).toEqual([
      "src.c",
    ]);
  });

  it("reads the sources of UPDATE, DELETE and MERGE, not their target", () => {
    expect(refs("UPDATE out.t SET a = s.a FROM src.s WHERE t.id = s.id", "postgresql")).toEqual([
      "src.s",
    ]);
    expect(refs("UPDATE out.t JOIN src.j ON t.id = j.id SET t.a = j.a", "mysql")).toEqual([
      "src.j",
    ]);
    expect(refs("DELETE FROM out.t USING src.u WHERE t.id = u.id", "postgresql")).toEqual([
      "src.u",
    ]);
    expect(refs("DELETE FROM out.t WHERE id IN (SELECT id FROM src.d)")).toEqual(["src.d"]);
    expect(refs("DELETE a FROM out.t AS a JOIN src.m ON a.id = m.id", "mysql")).toEqual(["src.m"]);
    const merge = `MERGE INTO out.t USING (SELECT * FROM src.n) s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a)`;
    expect(refs(merge, "bigquery")).toEqual(["src.n"]);
    expect(refs("MERGE INTO out.t USING src.o ON t.id = o.id WHEN MATCHED THEN DELETE")).toEqual([
      "src.o",
    ]);
  });
});

describe("sqlReferences: dialects, files and positions", () => {
  it("splits a BigQuery backtick path into parts, in any dialect", () => {
    const sql = "SELECT * FROM `proj.sales.orders` o JOIN `proj`.sales.`items` i ON true";
    expect(sqlReferences(sql, "bigquery")).toEqual({
      ok: true,
      references: [
        { parts: ["proj", "sales", "orders"], line: 1, col: 15 },
        { parts: ["proj", "sales", "items"], line: 1, col: 42 },
      ],
    });
    expect(refs("SELECT * FROM `proj.sales.orders`", "databricks")).toEqual(["proj.sales.orders"]);
    expect(sqlReferences("SELECT * FROM `a.b`", "generic")).toMatchObject({
      references: [{ parts: ["a", "b"] }],
    });
  });

  it("reads every statement of a file, each table once at its first place, in file order", () => {
    const sql =
      "SELECT * FROM a;\nFROM b SELECT (SELECT max(x) FROM c);\nSELECT * FROM b JOIN a ON true;";
    expect(sqlReferences(sql, "duckdb")).toEqual({
      ok: true,
      references: [
        { parts: ["a"], line: 1, col: 15 },
        { parts: ["b"], line: 2, col: 6 },
        { parts: ["c"], line: 2, col: 35 },
      ],
    });
  });

  it("returns nothing for an empty file or one with only comments", () => {
    expect(sqlReferences("", "duckdb")).toEqual({ ok: true, references: [] });
    expect(sqlReferences("-- nothing\n/* here */", "duckdb")).toEqual({ ok: true, references: [] });
  });

  it("understands Jinja templates and keeps the positions of the original file", () => {
    const sql = [
      "SELECT o.*, {{ ref }} AS batch",
      "FROM sales.orders o",
      "{% if with_customers %} JOIN sales.customers c ON c.id = o.customer_id {% endif %}",
      "WHERE o.day >= '{{ sl_start_date }}' {# from ghost #}",
      "  AND o.amount > {{ min_amount }}",
      "UNION ALL SELECT * FROM",
      "  kpi.more",
    ].join("\n");
    expect(sqlReferences(sql, "duckdb")).toEqual({
      ok: true,
      references: [
        { parts: ["sales", "orders"], line: 2, col: 6 },
        { parts: ["sales", "customers"], line: 3, col: 30 },
        { parts: ["kpi", "more"], line: 7, col: 3 },
      ],
    });
  });

  it("falls back to the generic dialect when the connection's dialect rejects the query", () => {
    expect(refs("SELECT * EXCLUDE (x) FROM shop.orders", "postgresql")).toEqual(["shop.orders"]);
  });

  it("reports a syntax error with the first line of the message, its line and column", () => {
    expect(sqlReferences("SELECT *\nFROM t\nWHERE x = = 1", "duckdb")).toEqual({
      ok: false,
      message: "Expected: an expression, found: =",
      line: 3,
      col: 11,
    });
    expect(sqlReferences("SELEC * FROM t", "bigquery")).toEqual({
      ok: false,
      message: "Expected: an SQL statement, found: SELEC",
      line: 1,
      col: 1,
    });
  });

  it("places a syntax error in a Jinja file where it is in the original", () => {
    const sql = "SELECT {{ a }}\n{% if x %}FROM t WHERE{% endif %} = 1";
    expect(sqlReferences(sql, "duckdb")).toMatchObject({ ok: false, line: 2, col: 35 });
  });
});

describe("initSqlParser", () => {
  it("loads the parser once and is required before parsing", async () => {
    expect(initSqlParser()).toBe(initSqlParser());
    vi.resetModules();
    const fresh = await import("../../../src/project/lineage/sql-references.js");
    expect(() => fresh.sqlReferences("SELECT 1", "duckdb")).toThrow(/initSqlParser/);
    await fresh.initSqlParser();
    expect(fresh.sqlReferences("SELECT * FROM t", "duckdb").ok).toBe(true);
  });
});

describe("dialectForEngine", () => {
  it.each([
    ["duckdb", "duckdb"],
    ["jdbc:duckdb:/x/db.duckdb", "duckdb"],
    ["bigquery", "bigquery"],
    ["BigQuery", "bigquery"],
    ["snowflake", "snowflake"],
    ["jdbc:snowflake://acme.snowflakecomputing.com", "snowflake"],
    ["postgres", "postgresql"],
    ["postgresql", "postgresql"],
    ["jdbc:postgresql://h/db", "postgresql"],
    ["jdbc:redshift://h:5439/db", "redshift"],
    ["redshift", "redshift"],
    ["spark", "spark"],
    ["fs", "spark"],
    ["local", "spark"],
    ["databricks", "databricks"],
    ["jdbc:databricks://h;transportMode=http", "databricks"],
    ["mysql", "mysql"],
    ["jdbc:mysql://h/db", "mysql"],
    ["jdbc:sqlserver://h", "mssql"],
    ["kafka", "generic"],
    ["", "generic"],
    [undefined, "generic"],
  ] as const)("%s -> %s", (engine, dialect) => {
    expect(dialectForEngine(engine)).toBe(dialect);
  });
});
