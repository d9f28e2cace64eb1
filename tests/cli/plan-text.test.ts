import { expect, it } from "vitest";
import { planText } from "../../src/cli/plan-text.js";
import { runCli } from "../helpers/cli.js";
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

it("slo plan states the date rule, and with --date the period each pipeline's run gets", async () => {
  const rule = await runCli(["plan", "examples/minimal", "--pipeline", "minimal_plant_count"]);
  expect(rule.stdout).toContain(
    "  dates: a run for a day gets its last tick of 0 6 * * * (UTC) as --scheduledDate, for an instant the latest tick at or before it; data interval: the tick before to it",
  );
  const dated = await runCli(["plan", "examples/minimal", "--date", "2024-01-01"]);
  expect(dated.code).toBe(0);
  expect(dated.stdout.match(/^ {2}run for 2024-01-01: .*$/gm)).toEqual(
    Array(3).fill(
      "  run for 2024-01-01: --scheduledDate 2024-01-01T06:00:00+0000, data interval 2023-12-31T06:00:00+0000 to 2024-01-01T06:00:00+0000",
    ),
  );
  const json = JSON.parse(
    (await runCli(["plan", "examples/minimal", "--json", "--date", "2024-01-01T06:00:00Z"])).stdout,
  );
  expect(json.periods[0]).toEqual({
    pipeline: "minimal_load",
    scheduledDate: "2024-01-01T06:00:00+0000",
    interval: { start: "2023-12-31T06:00:00+0000", end: "2024-01-01T06:00:00+0000" },
  });
  const bad = await runCli(["plan", "examples/minimal", "--date", "soon"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^error\[bad_input\]: --date soon: expected a day/);
});
