import { expect, it } from "vitest";
import { planText } from "../../src/cli/plan-text.js";
import { triggerPipeline } from "../helpers/trigger-cases.js";

it("slo plan prints a dataset_triggering_strategy expression with & and |", async () => {
  const p = await triggerPipeline("/srv/x");
  expect(planText([p]).split("\n")[0]).toBe(
    "sales_report  [transform]  when shop_orders & (shop_customers | shop_products)  from sales_report.py (transform_on_orders)",
  );
});
