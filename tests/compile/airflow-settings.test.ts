import { describe, expect, it } from "vitest";
import { renderAirflowDag } from "../../src/backends/airflow/render-dag.js";
import { planProject } from "../../src/compile/plan-project.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const transformDag = (options: Record<string, string>) =>
  [
    "version: 1",
    "dag:",
    '  template: "transform/airflow__scheduled_task__shell.py.j2"',
    '  filename: "t_{{domain}}_{{table}}.py"',
    "  options:",
    ...Object.entries(options).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    "",
  ].join("\n");

async function plan(options: Record<string, string>) {
  const files = baseProject({ "metadata/dags/transform_each.sl.yml": transformDag(options) });
  const r = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" } });
  return { ...r, pipelines: r.pipelines.filter((p) => p.source?.config === "transform_each") };
}

describe("Airflow-only options are typed once, at compile", () => {
  it("default_dag_args and access_control become parsed settings the backend writes", async () => {
    const { pipelines, diagnostics } = await plan({
      default_dag_args: '{"owner": "bakers", "email": ["a@b.c"]}',
      access_control: '{"Op": ["can_read"]}',
    });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(pipelines.length).toBeGreaterThan(0);
    for (const p of pipelines) {
      expect(p.airflow).toEqual({
        defaultDagArgs: { owner: "bakers", email: ["a@b.c"] },
        accessControl: { Op: ["can_read"] },
      });
      const text = renderAirflowDag(p, "x");
      expect(text).toContain('"owner": "bakers"');
      expect(text).toContain('access_control={"Op": ["can_read"]}');
    }
  });

  it("empty or absent JSON objects give no settings, and no access_control in the DAG", async () => {
    const { pipelines } = await plan({ default_dag_args: "{}" });
    expect(pipelines.length).toBeGreaterThan(0);
    for (const p of pipelines) {
      expect(p.airflow).toBeUndefined();
      expect(renderAirflowDag(p, "x")).not.toContain("access_control");
    }
  });
});
