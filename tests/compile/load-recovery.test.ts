import { describe, expect, it } from "vitest";
import { planText } from "../../src/cli/plan-text.js";
import { loadAreas, loadRecovery } from "../../src/compile/load-recovery.js";
import type { PipelineSettings } from "../../src/compile/pipeline-settings.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Diagnostic } from "../../src/pipeline/diagnostic.js";
import type { Pipeline, Task } from "../../src/pipeline/pipeline.js";
import type { LoadTable } from "../../src/project/project.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const LOAD = "load/airflow__scheduled_table__shell.py.j2";
const loadDag = (envVars: Record<string, string>, template = LOAD) =>
  [
    "version: 1",
    "dag:",
    `  template: "${template}"`,
    '  filename: "load_{{domain}}.py"',
    "  options:",
    `    sl_env_var: '${JSON.stringify({ SL_ROOT: "/srv/p", ...envVars })}'`,
    "",
  ].join("\n");

async function loads(files: Record<string, string>, env: Record<string, string> = {}) {
  const r = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, env });
  const tasks = r.pipelines.flatMap((p: Pipeline) => p.tasks.filter((t) => t.kind === "load"));
  return { ...r, byTable: new Map<string, Task>(tasks.map((t) => [t.table ?? "", t])) };
}

describe("what a load task returns before each attempt", () => {
  it("by default: <SL_ROOT>/datasets/ingesting/<domain> back to .../stage/<domain>, with the table's pattern", async () => {
    const { byTable, diagnostics } = await loads(baseProject());
    expect(diagnostics).toEqual([]);
    expect(byTable.get("orders")?.recover).toEqual({
      ingesting: "/srv/p/datasets/ingesting/shop",
      pending: "/srv/p/datasets/stage/shop",
      pattern: "orders.*.csv",
    });
    expect(byTable.get("customers")?.recover?.pattern).toBe("customers.*.csv");
  });

  it("slo plan shows the folders in one line per pipeline", async () => {
    const { pipelines } = await loads(baseProject());
    const text = planText(pipelines.filter((p) => p.kind === "load"));
    expect(text.split("\n").filter((l) => l.includes("before each load attempt"))).toEqual([
      "  before each load attempt: files a failed load left in /srv/p/datasets/ingesting/<domain>/ go back to /srv/p/datasets/stage/<domain>/",
    ]);
  });

  it("follows SL_DATASETS and the areas as Starlake does: sl_env_var, then the environment", async () => {
    const viaDag = await loads(
      baseProject({
        "metadata/dags/load_all.sl.yml": loadDag({
          SL_DATASETS: "/data/ds",
          SL_AREA_INGESTING: "busy",
          SL_AREA_STAGE: "/abs/waiting",
        }),
      }),
    );
    expect(viaDag.byTable.get("orders")?.recover).toMatchObject({
      ingesting: "/data/ds/busy/shop",
      pending: "/abs/waiting/shop", // an absolute area stands alone
    });
    const viaEnv = await loads(baseProject(), { SL_DATASETS: "file:///mnt/ds" });
    expect(viaEnv.byTable.get("orders")?.recover?.ingesting).toBe("/mnt/ds/ingesting/shop");
    // Starlake reads a relative SL_DATASETS from the root of the file system
    const relative = await loads(baseProject(), { SL_DATASETS: "rel/ds" });
    expect(relative.byTable.get("orders")?.recover?.pending).toBe("/rel/ds/stage/shop");
  });

  it("not for datasets in a bucket, nor when Starlake runs elsewhere: a note says so", async () => {
    const bucket = await loads(baseProject(), { SL_DATASETS: "gs://bucket/ds" });
    expect(bucket.byTable.get("orders")?.recover).toBeUndefined();
    expect(bucket.pipelines[0]?.notes).toContain(
      "a failed load's files stay in Starlake's ingesting folder: SL_DATASETS gs://bucket/ds is not a local folder",
    );
    const settings = { environment: { kind: "cloud_run", env: {}, settings: {} } };
    expect(loadAreas(settings as unknown as PipelineSettings, {})).toEqual({
      local: false,
      why: "Starlake runs in cloud_run, not on this machine",
    });
  });

  it("a pattern the runners cannot match as Java does: a located warning, no recovery for that table only", async () => {
    const { byTable, diagnostics } = await loads(
      baseProject({
        "metadata/load/shop/orders.sl.yml":
          'version: 1\ntable:\n  name: orders\n  pattern: "(?<day>\\\\d+)_orders\\\\.csv"\n',
      }),
    );
    expect(byTable.get("orders")?.recover).toBeUndefined();
    expect(byTable.get("customers")?.recover).toBeDefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: "no_load_recovery",
      severity: "warning",
      file: "metadata/load/shop/orders.sl.yml",
      line: 4,
      col: 12,
    });
    expect(diagnostics[0]?.message).toMatch(
      /^table\.pattern "\(\?<day>\\\\d\+\)_orders\\\\\.csv" has the group \(\?<… .*; a failed load of shop\.orders leaves its files in the ingesting folder, where a retry does not look \(no return for this table\)$/,
    );
  });

  it("a domain name that is no folder name gets none, with a warning naming the table", () => {
    const table = {
      name: "t",
      file: "metadata/load/x/t.sl.yml",
      pattern: { value: "t.*", at: { file: "metadata/load/x/t.sl.yml", line: 3, col: 12 } },
    } as unknown as LoadTable;
    const areas = { local: true as const, ingesting: "/d/ingesting", pending: "/d/stage" };
    for (const domain of ["..", ".", "a/b", "", "a\0b"]) {
      const diagnostics: Diagnostic[] = [];
      expect(loadRecovery(domain, table, areas, diagnostics), domain).toBeUndefined();
      expect(diagnostics[0]?.message).toContain("is not a folder name");
    }
    expect(loadRecovery("x", table, areas, [])).toEqual({
      ingesting: "/d/ingesting/x",
      pending: "/d/stage/x",
      pattern: "t.*",
    });
  });

  it("loads that a transform pipeline runs first get it too", async () => {
    const r = await planProject("examples/bakery", { vars: { SL_ROOT: "/srv/bakery" }, env: {} });
    const p = r.pipelines.find((x) => x.id === "bakery_insights_with_deps") as Pipeline;
    const load = p.tasks.find((t) => t.id === "load_shop_orders");
    expect(load?.recover).toEqual({
      ingesting: "/srv/bakery/datasets/ingesting/shop",
      pending: "/srv/bakery/datasets/stage/shop",
      pattern: "orders_.*\\.csv",
    });
  });
});
