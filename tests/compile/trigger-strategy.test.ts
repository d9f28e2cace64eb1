import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { nameMatches } from "../../src/compile/trigger-strategy.js";
import { type Dataset, datasetUri } from "../../src/pipeline/dataset.js";
import { formatDiagnostic } from "../../src/pipeline/diagnostic.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const EXPRESSION = "tests/fixtures/trigger-expression";

const transformDag = (strategy: string) =>
  [
    "version: 1",
    "dag:",
    '  template: "transform/airflow__scheduled_task__shell.py.j2"',
    '  filename: "t_{{domain}}_{{table}}.py"',
    "  options:",
    `    dataset_triggering_strategy: ${JSON.stringify(strategy)}`,
    "",
  ].join("\n");

async function lines(strategy: string, extra: Record<string, string> = {}, env = {}) {
  const files = baseProject({
    "metadata/dags/transform_each.sl.yml": transformDag(strategy),
    ...extra,
  });
  const r = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, env });
  return r.diagnostics.map(formatDiagnostic);
}

describe("dataset_triggering_strategy as an expression, compiled", () => {
  it("becomes a tree of upstream URIs; the pipeline watches the datasets it names", async () => {
    const { pipelines, diagnostics } = await planProject(EXPRESSION, {
      vars: { SL_ROOT: "/srv/x" },
    });
    expect(diagnostics).toEqual([]);
    const p = pipelines.find((x) => x.id === "sales_report") as Pipeline;
    const ds = (uri: string) => ({ kind: "dataset", uri });
    expect(p.schedule).toEqual({
      kind: "datasets",
      datasets: ["shop_customers", "shop_orders", "shop_products"],
      strategy: {
        kind: "and",
        of: [ds("shop_orders"), { kind: "or", of: [ds("shop_customers"), ds("shop_products")] }],
      },
    });
    // an upstream the expression leaves out is still an input of the pipeline
    expect(p.datasets.map((d) => d.uri)).toContain("shop_returns");
    await expect(`${JSON.stringify({ pipelines }, null, 2)}\n`).toMatchFileSnapshot(
      "../golden/trigger-expression.plan.json",
    );
    // the other pipeline of the project keeps the default
    expect(pipelines.find((x) => x.id === "sales_totals")?.schedule).toMatchObject({
      strategy: "any",
    });
  });

  it("an expression of one name watches that dataset only", async () => {
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": transformDag("Orders"),
      "metadata/transform/kpi/top.sql":
        "SELECT * FROM kpi.revenue r JOIN shop.orders o ON r.id = o.id\n",
    });
    const { pipelines, diagnostics } = await planProject(fixture(files), {
      vars: { SL_ROOT: "/srv/p" },
    });
    expect(diagnostics).toEqual([]);
    expect(pipelines.find((x) => x.id === "t_kpi_revenue")?.schedule).toEqual({
      kind: "datasets",
      datasets: ["shop_orders"],
      strategy: { kind: "dataset", uri: "shop_orders" },
    });
  });

  it("a name that is not an upstream of the pipeline is one located error naming the upstreams", async () => {
    // kpi.top reads kpi.revenue only: shop.orders is not one of its inputs
    expect(await lines("shop.orders & kpi.revenue")).toEqual([
      'metadata/dags/transform_each.sl.yml:6:34: error[unknown_trigger_dataset]: option dataset_triggering_strategy: "kpi.revenue" at character 15 is not an upstream dataset of pipeline t_kpi_revenue; expected one of shop.customers, shop.orders',
      'metadata/dags/transform_each.sl.yml:6:34: error[unknown_trigger_dataset]: option dataset_triggering_strategy: "shop.orders" at character 1 is not an upstream dataset of pipeline t_kpi_top; expected one of kpi.revenue',
    ]);
  });

  it("a bare name of two upstreams is an error asking for domain.table", async () => {
    const extra = {
      "metadata/load/archive/_config.sl.yml":
        "version: 1\nload:\n  metadata:\n    schedule: daily\n",
      "metadata/load/archive/orders.sl.yml": "version: 1\ntable:\n  name: orders\n  pattern: o.*\n",
      "metadata/transform/kpi/revenue.sql":
        "SELECT * FROM shop.orders o JOIN archive.orders a ON o.id = a.id JOIN shop.customers c ON o.c = c.id\n",
      "metadata/transform/kpi/top.sql": "SELECT * FROM shop.orders\n",
    };
    expect(await lines("orders & customers", extra)).toEqual([
      'metadata/dags/transform_each.sl.yml:6:34: error[ambiguous_trigger_dataset]: option dataset_triggering_strategy: "orders" at character 1 names 2 upstream datasets of pipeline t_kpi_revenue (archive.orders, shop.orders); expected domain.table',
      'metadata/dags/transform_each.sl.yml:6:34: error[unknown_trigger_dataset]: option dataset_triggering_strategy: "customers" at character 10 is not an upstream dataset of pipeline t_kpi_top; expected one of shop.orders',
    ]);
  });

  it("a syntax error is one located invalid_option line, with the character", async () => {
    expect(await lines("orders & (customers")).toEqual([
      'metadata/dags/transform_each.sl.yml:6:34: error[invalid_option]: option dataset_triggering_strategy: invalid value "orders & (customers"; expected any, all or dataset names joined by & (and) and | (or) with parentheses; at character 20: expected ")" to close the "(" at character 10, not the end',
    ]);
  });

  it("from the environment, an unknown name says where it came from", async () => {
    const files = baseProject();
    const r = await planProject(fixture(files), {
      vars: { SL_ROOT: "/srv/p" },
      env: { dataset_triggering_strategy: "nope" },
    });
    expect(r.diagnostics.map((d) => d.message)).toContain(
      'option dataset_triggering_strategy (from environment variable dataset_triggering_strategy): "nope" at character 1 is not an upstream dataset of pipeline t_kpi_revenue; expected one of shop.customers, shop.orders',
    );
  });

  it("a pipeline on a cron does not read the expression", async () => {
    const extra = {
      "metadata/transform/kpi/_config.sl.yml":
        "version: 1\ntransform:\n  default:\n    schedule: daily\n",
    };
    expect(await lines("no_such_table", extra)).toEqual([]);
  });
});

describe("dataset_triggering_strategy of a task", () => {
  const task = (strategy: string) =>
    `version: 1\ntask:\n  dataset_triggering_strategy: ${JSON.stringify(strategy)}\n`;

  it("wins over the dag config's option for the task's pipeline", async () => {
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": transformDag("any"),
      "metadata/transform/kpi/revenue.sl.yml": task("orders & customers"),
    });
    const { pipelines, diagnostics } = await planProject(fixture(files), {
      vars: { SL_ROOT: "/srv/p" },
    });
    expect(diagnostics).toEqual([]);
    expect(pipelines.find((x) => x.id === "t_kpi_revenue")?.schedule).toMatchObject({
      strategy: {
        kind: "and",
        of: [
          { kind: "dataset", uri: "shop_orders" },
          { kind: "dataset", uri: "shop_customers" },
        ],
      },
    });
    expect(pipelines.find((x) => x.id === "t_kpi_top")?.schedule).toMatchObject({
      strategy: "any",
    });
  });

  it("comes from the folder's default too", async () => {
    const files = baseProject({
      "metadata/transform/kpi/_config.sl.yml":
        "version: 1\ntransform:\n  default:\n    dataset_triggering_strategy: ALL\n",
    });
    const { pipelines } = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" } });
    expect(pipelines.find((x) => x.id === "t_kpi_revenue")?.schedule).toMatchObject({
      strategy: "all",
    });
  });

  it("an invalid value or an unknown name is located in the task's file", async () => {
    expect(
      await lines("any", { "metadata/transform/kpi/revenue.sl.yml": task("orders &") }),
    ).toEqual([
      'metadata/transform/kpi/revenue.sl.yml:3:32: error[invalid_value]: task kpi.revenue: dataset_triggering_strategy: invalid value "orders &"; expected any, all or dataset names joined by & (and) and | (or) with parentheses; at character 9: expected a dataset name or "(", not the end',
    ]);
    expect(
      await lines("any", { "metadata/transform/kpi/revenue.sl.yml": task("orders | kpi.top") }),
    ).toEqual([
      'metadata/transform/kpi/revenue.sl.yml:3:32: error[unknown_trigger_dataset]: task kpi.revenue: dataset_triggering_strategy: "kpi.top" at character 10 is not an upstream dataset of pipeline t_kpi_revenue; expected one of shop.customers, shop.orders',
    ]);
  });

  it("an invalid value is an error even in a pipeline on a cron, which does not use it", async () => {
    const extra = {
      "metadata/transform/kpi/_config.sl.yml":
        "version: 1\ntransform:\n  default:\n    schedule: daily\n",
      "metadata/transform/kpi/top.sl.yml": task("(kpi.revenue"),
    };
    expect(await lines("any", extra)).toEqual([
      'metadata/transform/kpi/top.sl.yml:3:32: error[invalid_value]: task kpi.top: dataset_triggering_strategy: invalid value "(kpi.revenue"; expected any, all or dataset names joined by & (and) and | (or) with parentheses; at character 13: expected ")" to close the "(" at character 1, not the end',
    ]);
  });

  it("tasks of one pipeline with different strategies are an error naming them", async () => {
    const one = transformDag("any").replace("t_{{domain}}_{{table}}.py", "t_{{domain}}.py");
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": one,
      "metadata/transform/kpi/revenue.sl.yml": task("all"),
      "metadata/transform/kpi/top.sl.yml": task("any"),
    });
    expect(await lines("any", files)).toEqual([
      "metadata/transform/kpi/revenue.sl.yml:3:32: error[mixed_triggering_strategies]: pipeline t_kpi holds tasks with different dataset_triggering_strategy: kpi.revenue (all), kpi.top (any); expected one per pipeline (add {{task}} to the dag config's filename)",
    ]);
  });
});

describe("names in an expression", () => {
  const upstreams: Dataset[] = [
    { name: "shop.orders", uri: datasetUri("shop.orders"), kind: "load" },
    { name: "archive.orders", uri: datasetUri("archive.orders"), kind: "load" },
    // a transform's dataset: named after the task, its URI after the table it writes
    { name: "kpi.revenue_task", uri: datasetUri("kpi.revenue"), kind: "transform" },
  ];
  const uris = (name: string) => nameMatches(name, upstreams).map((d) => d.uri);

  it.each([
    ["shop.orders", ["shop_orders"]],
    ["SHOP.Orders", ["shop_orders"]],
    ["shop_orders", ["shop_orders"]],
    ["orders", ["shop_orders", "archive_orders"]],
    ["kpi.revenue_task", ["kpi_revenue"]],
    ["kpi.revenue", ["kpi_revenue"]],
    ["kpi_revenue", ["kpi_revenue"]],
    ["revenue_task", ["kpi_revenue"]],
    ["shop.customers", []],
    ["other.orders", []],
    ["shop-orders", []],
  ])("%s matches %j", (name, expected) => {
    expect(uris(name)).toEqual(expected);
  });
});
