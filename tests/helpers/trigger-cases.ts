import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";

/**
 * One `dataset_triggering_strategy` expression and when it triggers, asked of every runner (the
 * engine, real Airflow, real Dagster): the fixture's sales_report waits for
 * `shop.orders & (customers or shop_products)` and also reads shop.returns, which it leaves out.
 */
export const TRIGGER_FIXTURE = "tests/fixtures/trigger-expression";
export const TRIGGER_PIPELINE = "sales_report";

/** Which upstream datasets have a new event since the pipeline's last run, and whether it runs. */
export const TRIGGER_CASES: ReadonlyArray<{
  readonly fresh: readonly string[];
  readonly runs: boolean;
}> = [
  { fresh: ["shop_orders"], runs: false },
  { fresh: ["shop_customers"], runs: false },
  { fresh: ["shop_customers", "shop_products"], runs: false },
  { fresh: ["shop_orders", "shop_customers"], runs: true },
  { fresh: ["shop_orders", "shop_products"], runs: true },
  { fresh: ["shop_orders", "shop_customers", "shop_products"], runs: true },
  // an upstream the expression leaves out neither triggers nor stands in for a named one
  { fresh: ["shop_returns"], runs: false },
  { fresh: ["shop_orders", "shop_returns"], runs: false },
  { fresh: ["shop_customers", "shop_products", "shop_returns"], runs: false },
];

/** The fixture's pipeline waiting on the expression, compiled with SL_ROOT at `root`. */
export async function triggerPipeline(root: string): Promise<Pipeline> {
  const { pipelines, diagnostics } = await planProject(TRIGGER_FIXTURE, {
    vars: { SL_ROOT: root },
    env: {},
  });
  const p = pipelines.find((x) => x.id === TRIGGER_PIPELINE);
  if (p === undefined) throw new Error(`no ${TRIGGER_PIPELINE}: ${JSON.stringify(diagnostics)}`);
  return p;
}
