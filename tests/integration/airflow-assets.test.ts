import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import { AirflowWorkspace } from "../helpers/airflow.js";

/** Asset events carry the scheduled date they were produced for; consumers run for that date. */
let af: AirflowWorkspace;
beforeAll(async () => {
  af = new AirflowWorkspace();
  await af.setUp("examples/bakery");
}, 900_000);
afterAll(() => af.tearDown());

describe("asset events in real Airflow 3.3", () => {
  it("a load stamps its asset event with the run's scheduled date", () => {
    const p = af.pipeline("bakery_load_shop_daily");
    const r = af.runDag(p.id, "2024-03-05T01:00:00+00:00");
    expect(r.state).toBe("success");
    const scheduled = runValues(p, new Date("2024-03-05T01:00:00Z")).scheduledDate;
    const load = r.asset_events.find((e) => e.task === "load_shop_order_lines");
    expect(load).toMatchObject({
      uri: "shop_order_lines",
      extra: { sl_scheduled_date: scheduled },
    });
    // end publishes the pipeline's own asset, stamped too
    expect(r.asset_events.find((e) => e.task === "end")?.extra.sl_scheduled_date).toBe(scheduled);
  });

  it("a dataset-triggered transform runs for the newest scheduled date of its events", () => {
    const id = "bakery_sales_product_revenue";
    const out = af.python("tests/integration/airflow/scheduled_date.py", [
      join(af.dags, `${id}.py`),
      JSON.stringify([
        { sl_scheduled_date: "2024-03-04T02:00:00+0100" },
        { sl_scheduled_date: "2024-03-05T02:00:00+0100" },
        { other: 1 },
      ]),
    ]);
    const result = JSON.parse(
      out
        .split("\n")
        .find((l) => l.startsWith("SLO_RESULT "))
        ?.slice(11) ?? "{}",
    );
    const expected = runValues(af.pipeline(id), new Date("2024-03-05T01:00:00Z"));
    expect(result).toEqual({
      scheduled: expected.scheduledDate,
      interval_start: expected.interval?.start,
    });
  });
});
