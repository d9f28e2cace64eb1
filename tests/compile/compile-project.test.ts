import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const dag = (template: string, filename: string, options: Record<string, string> = {}) =>
  [
    "version: 1",
    "dag:",
    `  template: "${template}"`,
    `  filename: "${filename}"`,
    "  options:",
    ...Object.entries(options).map(([k, v]) => `    ${k}: '${v}'`),
    '    sl_env_var: \'{"SL_ROOT": "/srv/p"}\'',
    "",
  ].join("\n");
const LOAD = "load/airflow__scheduled_table__shell.py.j2";
const TRANSFORM = "transform/airflow__scheduled_task__shell.py.j2";

async function plan(files: Record<string, string>, env: Record<string, string> = {}) {
  return planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, env });
}
const byId = (ps: readonly Pipeline[], id: string) => ps.find((p) => p.id === id) as Pipeline;
const messages = (r: { diagnostics: readonly { code: string; message: string }[] }) =>
  r.diagnostics.map((d) => `${d.code}: ${d.message}`);

describe("compile", () => {
  it("the base project: load file per domain with pre-load, transform per task, lineage edges", async () => {
    const { pipelines, diagnostics } = await plan(baseProject());
    expect(diagnostics).toEqual([]);
    expect(pipelines.map((p) => p.id)).toEqual(["load_shop", "t_kpi_revenue", "t_kpi_top"]);
    const top = byId(pipelines, "t_kpi_top");
    expect(top.schedule).toEqual({ kind: "datasets", datasets: ["kpi_revenue"], strategy: "any" });
    expect(top.dataCron).toBe("0 2 * * *");
    expect(byId(pipelines, "t_kpi_revenue").schedule).toEqual({
      kind: "datasets",
      datasets: ["shop_customers", "shop_orders"],
      strategy: "any",
    });
  });

  it("one file for all transforms keeps only the in-file edges, and waits for outside inputs", async () => {
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": dag(TRANSFORM, "all_kpis.py", {
        dataset_triggering_strategy: "all",
      }),
    });
    const { pipelines } = await plan(files);
    const p = byId(pipelines, "all_kpis");
    expect(p.edges).toEqual([
      { from: "kpi_revenue", to: "kpi_top" },
      { from: "kpi_top", to: "end" },
      { from: "start", to: "kpi_revenue" },
    ]);
    expect(p.schedule).toEqual({
      kind: "datasets",
      datasets: ["shop_customers", "shop_orders"],
      strategy: "all",
    });
    expect(p.maxActiveRuns).toBe(1);
  });

  it("run_dependencies_first without a cron: full depth, loads included, manual, with notes", async () => {
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": dag(TRANSFORM, "t_{{domain}}_{{table}}.py", {
        run_dependencies_first: "true",
      }),
    });
    const { pipelines } = await plan(files);
    const p = byId(pipelines, "t_kpi_top");
    expect(p.tasks.map((t) => t.id)).toEqual([
      "start",
      "load_shop_customers",
      "load_shop_orders",
      "kpi_revenue",
      "kpi_top",
      "end",
    ]);
    expect(p.schedule).toEqual({ kind: "manual" });
    expect(p.notes?.[0]).toBe(
      "run_dependencies_first without a schedule: the pipeline runs only when triggered by hand",
    );
    expect(p.notes?.[1]).toMatch(
      /^run_dependencies_first: work also done by other pipelines: shop\.customers \(load_shop, t_kpi_revenue\)/,
    );
  });

  it("a cloud environment adds its pre and post tasks, post tasks run whatever happened, beside end", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(
        "load/airflow__scheduled_table__dataproc.py.j2",
        "load_{{domain}}.py",
        { spark_jar_list: "gs://b/sl.jar", spark_bucket: "bkt", dataproc_project_id: "my-project" },
      ),
    });
    const { pipelines, diagnostics } = await plan(files);
    expect(diagnostics).toEqual([]);
    const p = byId(pipelines, "load_shop");
    expect(p.environment.kind).toBe("dataproc");
    const into = (id: string) =>
      p.edges
        .filter((e) => e.to === id)
        .map((e) => e.from)
        .sort();
    expect(p.edges.filter((e) => e.from === "start")).toEqual([
      { from: "start", to: "create_load_shop_cluster" },
    ]);
    // the clean-up and end wait for the same tasks; end does not wait for the clean-up
    expect(into("delete_load_shop_cluster")).toEqual(into("end"));
    expect(into("end").length).toBeGreaterThan(0);
    expect(p.edges.some((e) => e.from === "delete_load_shop_cluster")).toBe(false);
    // a failed load fails end (its rule is not all_done)
    expect(p.tasks.find((t) => t.id === "end")?.trigger).toBe("none_failed_min_one_success");
    expect(p.tasks.find((t) => t.id === "delete_load_shop_cluster")?.trigger).toBe("all_done");
    const missing = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag(
          "load/airflow__scheduled_table__fargate.py.j2",
          "x.py",
        ),
      }),
    );
    expect(messages(missing)).toContain(
      "missing_option: the fargate environment needs option aws_cluster_name",
    );
  });

  it("reports transforms of one file with different schedules instead of picking one", async () => {
    const files = baseProject({
      "metadata/dags/transform_each.sl.yml": dag(TRANSFORM, "kpis.py"),
      "metadata/transform/kpi/top.sl.yml": "version: 1\ntask:\n  schedule: daily\n",
    });
    expect(messages(await plan(files))).toEqual([
      "mixed_schedules: file kpis.py holds transforms with different schedules: kpi.revenue (no schedule), kpi.top (daily); expected one schedule per file (add {{schedule}} or {{task}} to the filename)",
    ]);
  });

  it("drops every _-1 of a file name, as dag-generate does for a project without a master id", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(
        LOAD,
        "{{domain}}_{{sl_project_id}}_tables_{{sl_project_id}}.py",
      ),
    });
    const { pipelines, diagnostics } = await plan(files);
    expect(diagnostics).toEqual([]);
    expect(pipelines.map((p) => p.id)).toEqual(["shop_tables", "t_kpi_revenue", "t_kpi_top"]);
  });

  it("rejects file names with folders and unknown variables", async () => {
    expect(
      messages(
        await plan(baseProject({ "metadata/dags/load_all.sl.yml": dag(LOAD, "{{domain}}/x.py") })),
      ),
    ).toEqual([
      'invalid_filename: filename renders to "shop/x.py"; expected a file name without folders',
    ]);
    expect(
      messages(
        await plan(baseProject({ "metadata/dags/load_all.sl.yml": dag(LOAD, "{{domian}}.py") })),
      )[0],
    ).toMatch(
      /^invalid_filename: filename "\{\{domian\}\}\.py" uses unknown variable domian; expected one of domain, finalDomain/,
    );
  });

  it("warns about work without a dagRef, and about a load dagRef whose template is a transform one", async () => {
    const files = baseProject({
      "metadata/application.sl.yml":
        'version: 1\napplication:\n  dagRef:\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n',
      "metadata/dags/odd.sl.yml": dag(TRANSFORM, "odd_{{domain}}.py"),
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata:\n    dagRef: odd\n",
    });
    const r = await plan(files);
    expect(messages(r)).toEqual([
      "no_dag_ref: table shop.customers has no dagRef (table, domain or application level); it is not orchestrated",
      'wrong_dag_kind: table shop.orders: dagRef odd: template "transform/airflow__scheduled_task__shell.py.j2" is a transform template, referenced for a load: Starlake would render it for this load; slo makes load pipelines for this dag config',
    ]);
    // The kind comes from the referrer: a load pipeline.
    expect(byId(r.pipelines, "odd_shop").tasks.map((t) => t.kind)).toContain("load");
  });

  it("resolves renamed names, ignores a transform reading its own table, and lets the task's freshness win", async () => {
    const files = baseProject({
      "metadata/load/shop/_config.sl.yml":
        "version: 1\nload:\n  rename: boutique\n  metadata:\n    schedule: daily\n",
      "metadata/transform/kpi/_config.sl.yml":
        'version: 1\ntransform:\n  default:\n    freshness: { error: "1 day" }\n',
      "metadata/transform/kpi/revenue.sl.yml":
        'version: 1\ntask:\n  freshness: { error: "2 hours" }\n',
      "metadata/transform/kpi/revenue.sql":
        "MERGE INTO kpi.revenue t USING (SELECT * FROM boutique.ORDERS) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET total = s.total",
    });
    const { project, pipelines, diagnostics } = await plan(files);
    expect(diagnostics).toEqual([]);
    expect(project?.transforms.find((t) => t.name === "revenue")).toMatchObject({
      freshness: 7200,
      upstream: [{ kind: "table", domain: "shop", table: "orders" }],
    });
    expect(byId(pipelines, "t_kpi_revenue").schedule).toEqual({
      kind: "datasets",
      datasets: ["shop_orders"],
      strategy: "any",
    });
  });

  it("takes the time zone from timezone, else SL_TIMEZONE, never from the machine", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "load_{{domain}}.py", {
        SL_TIMEZONE: "Asia/Tokyo",
      }),
    });
    expect(byId((await plan(files)).pipelines, "load_shop").schedule).toMatchObject({
      timezone: "Asia/Tokyo",
    });
    const both = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "load_{{domain}}.py", {
        SL_TIMEZONE: "Asia/Tokyo",
        timezone: "America/Lima",
      }),
    });
    expect(byId((await plan(both)).pipelines, "load_shop").timezone).toBe("America/Lima");
  });

  it("ack: default ack file under SL_DATASETS, sensor and sentinel options reach the gate and the command", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "load_{{domain}}.py", {
        pre_load_strategy: "ack",
        pre_load_sensor: "true",
        pre_load_poke_interval: "60",
        pre_load_timeout: "600",
        pre_load_not_ready_sentinel_path: "/srv/p/sentinels/",
      }),
    });
    const check = byId((await plan(files)).pipelines, "load_shop").tasks.find(
      (t) => t.kind === "preload",
    );
    expect(check?.command?.slice(-4)).toEqual([
      "--globalAckFilePath",
      "/srv/p/datasets/pending/shop/shop.ack",
      "--notReadySentinel",
      "/srv/p/sentinels/shop/__SL_SENTINEL_SCOPE__.notready",
    ]);
    expect(check?.gate).toEqual({
      strategy: "ack",
      sensor: { pokeInterval: 60, timeout: 600, softFail: false },
      sentinel: "/srv/p/sentinels/shop/__SL_SENTINEL_SCOPE__.notready",
    });
  });

  it.each([
    [{}, { pokeInterval: 300, timeout: 3600, softFail: true }],
    [{ ack_wait_timeout: "90" }, { pokeInterval: 90, timeout: 90, softFail: true }],
    [
      { ack_wait_timeout: "900", pre_load_poke_interval: "60" },
      { pokeInterval: 60, timeout: 900, softFail: true },
    ],
    [{ ack_wait_timeout: "0" }, undefined],
  ])("ack waits for its ack file: %j gives the check %j", async (options, sensor) => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "load_{{domain}}.py", {
        pre_load_strategy: "ack",
        ...options,
      }),
    });
    const check = byId((await plan(files)).pipelines, "load_shop").tasks.find(
      (t) => t.kind === "preload",
    );
    expect(check?.gate?.sensor).toEqual(sensor);
  });

  it("only ack waits: other strategies decide once unless sensor mode is on", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "load_{{domain}}.py", {
        pre_load_strategy: "pending",
        ack_wait_timeout: "600",
      }),
    });
    const check = byId((await plan(files)).pipelines, "load_shop").tasks.find(
      (t) => t.kind === "preload",
    );
    expect(check?.gate).toEqual({ strategy: "pending" });
  });

  it("a schedule of none means manual, raw crons get stable names", async () => {
    const files = baseProject({
      "metadata/load/shop/_config.sl.yml": "version: 1\nload:\n  metadata:\n    schedule: None\n",
      "metadata/load/shop/orders.sl.yml":
        'version: 1\ntable:\n  name: orders\n  metadata:\n    schedule: "*/30 6-20 * * *"\n',
    });
    const { pipelines } = await plan(files);
    expect(
      pipelines
        .filter((p) => p.kind === "load")
        .map((p) => [p.id, p.schedule.kind === "cron" ? p.schedule.name : p.schedule.kind]),
    ).toEqual([
      ["load_shop_cron_xevery30_6to20_x_x_x", "cron_xevery30_6to20_x_x_x"],
      ["load_shop_none", "manual"],
    ]);
  });
});

describe("compile: dataset names", () => {
  it("rejects two tables whose dataset names collide once sanitised, naming both", async () => {
    const files = baseProject({
      "metadata/load/shop-x/_config.sl.yml":
        "version: 1\nload:\n  metadata:\n    schedule: daily\n",
      "metadata/load/shop-x/orders.sl.yml": "version: 1\ntable:\n  name: orders\n",
      "metadata/load/shop_x/_config.sl.yml":
        "version: 1\nload:\n  metadata:\n    schedule: daily\n",
      "metadata/load/shop_x/orders.sl.yml": "version: 1\ntable:\n  name: orders\n",
    });
    const r = await plan(files);
    const collisions = r.diagnostics.filter((d) => d.code === "dataset_collision");
    expect(collisions).toHaveLength(1);
    expect(collisions[0]?.severity).toBe("error");
    expect(collisions[0]?.message).toContain("shop_x_orders");
    expect(collisions[0]?.message).toContain("table shop-x.orders");
    expect(collisions[0]?.message).toContain("table shop_x.orders");
    expect(r.pipelines).toEqual([]);
  });
});

describe("compile: pipeline ids", () => {
  it("reports two files whose names differ only by case as one collision", async () => {
    const files = baseProject({
      "metadata/dags/load_all.sl.yml": dag(LOAD, "Load_{{domain}}.py"),
      "metadata/dags/other.sl.yml": dag(LOAD, "load_{{domain}}.py"),
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata:\n    dagRef: other\n",
    });
    expect((await plan(files)).diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}`)).toEqual([
      "metadata/dags/load_all.sl.yml:4: filename_collision",
    ]);
  });

  it("reports a schedule suffix that collides with another file's pipeline, at the dag config", async () => {
    const files = baseProject({
      "metadata/application.sl.yml":
        'version: 1\napplication:\n  dagRef:\n    load: load_all\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n    hourly: "0 * * * *"\n',
      "metadata/dags/other.sl.yml": dag(LOAD, "load_shop_hourly.py"),
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata:\n    schedule: hourly\n",
      "metadata/load/crm/_config.sl.yml": "version: 1\nload:\n  metadata:\n    dagRef: other\n",
      "metadata/load/crm/leads.sl.yml": "version: 1\ntable:\n  name: leads\n",
    });
    expect(
      (await plan(files)).diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}: ${d.message}`),
    ).toEqual([
      "metadata/dags/load_all.sl.yml:4: duplicate_pipeline_id: pipeline id load_shop_hourly comes from both load_shop_hourly.py and load_shop.py; expected file names that differ once lower-cased and sanitised",
    ]);
  });
});
