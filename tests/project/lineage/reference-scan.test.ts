import { describe, expect, it } from "vitest";
import { scanReferences } from "../../../src/project/lineage/reference-scan.js";

const names = (sql: string) => scanReferences(sql).map((r) => r.parts.join("."));

describe("the FROM/JOIN scan used when no dialect parses a statement", () => {
  it("finds the tables after FROM and JOIN, a FROM list with aliases, at their places", () => {
    const sql =
      "SELECT *\nFROM shop.orders o, shop.customers AS c\nLEFT JOIN kpi.revenue r ON 1 = 1";
    expect(names(sql)).toEqual(["shop.orders", "shop.customers", "kpi.revenue"]);
    expect(scanReferences(sql)[0]).toMatchObject({ line: 2, col: 6 });
    expect(scanReferences(sql)[2]).toMatchObject({ line: 3, col: 11 });
  });

  it("reads quoted names and skips comments and strings", () => {
    const sql = [
      "-- FROM not.this",
      "/* JOIN nor.that */",
      "SELECT 'FROM a.string' AS s",
      'FROM "Shop"."Orders" JOIN `hr`.`sellers` JOIN [dbo].[t] JOIN `sales.orders`',
    ].join("\n");
    expect(names(sql)).toEqual(["Shop.Orders", "hr.sellers", "dbo.t", "sales.orders"]);
  });

  it("leaves out CTE names, table functions, subqueries and FROMs that are not reads", () => {
    const sql = [
      "WITH recent AS (SELECT * FROM shop.orders), top AS (SELECT * FROM recent)",
      "SELECT EXTRACT(YEAR FROM d), TRIM(BOTH ' ' FROM name), a IS DISTINCT FROM b",
      "FROM top JOIN read_csv('x.csv') ON 1 = 1 JOIN (SELECT * FROM hr.sellers) s ON 1 = 1",
      "LATERAL VIEW explode(items) t AS item",
    ].join("\n");
    expect(names(sql)).toEqual(["shop.orders", "hr.sellers"]);
  });

  it("finds nothing where nothing is read", () => {
    expect(names("SELECT 1")).toEqual([]);
    expect(names("")).toEqual([]);
  });
});
