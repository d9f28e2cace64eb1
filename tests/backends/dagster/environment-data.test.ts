import { describe, expect, it } from "vitest";
import { renderDagsterDefinitions } from "../../../src/backends/dagster/render-definitions.js";
import { planProject } from "../../../src/compile/plan-project.js";
import { CLOUD_OPTIONS, type CloudName, envProject } from "../../helpers/cloud-projects.js";
import { fixture } from "../../helpers/fixture.js";

/** The rendered PIPELINES entry of load_shop, from the file's text (a literal: JSON-like once its Python words are mapped). */
async function loadShop(env: CloudName, options: Record<string, string>): Promise<string> {
  const r = await planProject(fixture(envProject(env, { ...CLOUD_OPTIONS[env], ...options })), {
    vars: { SL_ROOT: "/srv/p" },
    env: {},
  });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const text = renderDagsterDefinitions(r.pipelines, "t");
  const start = text.indexOf('    "load_shop": {');
  return text.slice(start, text.indexOf('    "t_kpi_revenue": {', start));
}

describe("a cloud environment's settings as the Dagster runtime reads them", () => {
  it("Fargate sync: looks every 6 s; async: at its poke interval", async () => {
    expect(await loadShop("fargate", { fargate_async: "false" })).toContain('"poll": 6,');
    expect(
      await loadShop("fargate", { fargate_async: "true", fargate_async_poke_interval: "7" }),
    ).toContain('"poll": 7,');
  });

  it("Cloud Run sync waits on the operation (no poll); its retry delay is Cloud Run's own", async () => {
    const sync = await loadShop("cloud_run", {
      cloud_run_async: "false",
      retry_delay_in_seconds: "42",
    });
    expect(sync).toContain('"poll": None,');
    expect(sync).toMatch(/"id": "load_shop_orders",[\s\S]*?"retry_delay": 42,/);
  });

  it("Dataproc single node: no worker config, Dataproc told so; the task's own properties apart", async () => {
    const single = await loadShop("dataproc", { dataproc_num_workers: "0" });
    expect(single).not.toContain('"worker_config"');
    expect(single).toContain('"dataproc:dataproc.allow.zero.workers": "true"');
    expect(single).toMatch(
      /"task_properties": \{\s*"load_shop_orders": \{"spark.executor.memory": "16g"\}/,
    );
    // every step that runs something needs the run's cluster; the others do not
    expect(single.match(/"resources": \("slo_dataproc_load_shop",\)/g)).toHaveLength(2);
    const workers = await loadShop("dataproc", { dataproc_num_workers: "2" });
    expect(workers).toMatch(/"worker_config": \{\s*"num_instances": 2,/);
  });

  it("paths of a cloud pipeline are the cloud's: never rewritten to the Dagster worker's folder", async () => {
    const text = await loadShop("fargate", {});
    expect(text).toContain('"SL_ROOT=/srv/p"');
    expect(text).not.toContain('("root",)');
    expect(text).not.toContain('"recover"');
  });
});
