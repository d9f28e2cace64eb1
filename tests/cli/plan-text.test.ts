import { expect, it } from "vitest";
import { planText } from "../../src/cli/plan-text.js";
import { triggerPipeline } from "../helpers/trigger-cases.js";

it("slo plan prints a dataset_triggering_strategy expression with & and |", async () => {
  const p = await triggerPipeline("/srv/x");
  expect(planText([p]).split("\n")[0]).toBe(
    "sales_report  [transform]  when shop_orders & (shop_customers | shop_products)  from sales_report.py (transform_on_orders)",
  );
});

it("slo plan names each dataset a pipeline produces once", async () => {
  // sales_report's transform and its end both publish `sales_report`
  const p = await triggerPipeline("/srv/x");
  const line = planText([p])
    .split("\n")
    .find((l) => l.startsWith("  produces: "));
  const names = (line ?? "").slice("  produces: ".length).split(", ");
  expect(names).toContain("sales_report");
  expect(new Set(names).size).toBe(names.length);
});
