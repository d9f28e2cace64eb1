import { describe, expect, it } from "vitest";
import { assetLineage } from "../../src/compile/asset-lineage.js";
import { planProject } from "../../src/compile/plan-project.js";

describe("asset lineage", () => {
  it("maps each transform's dataset to what its SQL reads, whatever its pipeline", async () => {
    const { project } = await planProject("examples/bakery", { vars: { SL_ROOT: "/x" }, env: {} });
    const lineage = project ? assetLineage(project) : new Map();
    expect(lineage.size).toBe(project?.transforms.length);
    // a transform on a cron reading another transform, and one reading tables of two domains
    expect(lineage.get("sales_daily_sales")).toEqual(["sales_product_revenue"]);
    expect(lineage.get("production_stock_cover")).toEqual([
      "production_ingredient_usage",
      "supply_deliveries",
    ]);
    expect(lineage.get("sales_customer_value")).toEqual([
      "shop_customers",
      "shop_order_lines",
      "shop_orders",
    ]);
  });
});
