import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { baseProject, fixture } from "../helpers/fixture.js";

const dag = (template: string, filename: string, options: Record<string, string> = {}) =>
  [
    "dag:",
    `  template: "${template}"`,
    `  filename: "${filename}"`,
    "  options:",
    ...Object.entries(options).map(([k, v]) => `    ${k}: '${v}'`),
    '    sl_env_var: \'{"SL_ROOT": "/srv/p"}\'',
    "",
  ].join("\n");

const plan = (files: Record<string, string>, slEnv?: string) =>
  planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, ...(slEnv ? { slEnv } : {}) });
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);
const byId = (ps: readonly Pipeline[], id: string) => ps.find((p) => p.id === id) as Pipeline;

describe("dag config kinds come from who references them (Starlake's DagGenerateJob)", () => {
  it("a config nothing references is not checked, whatever its template", async () => {
    const r = await plan(
      baseProject({ "metadata/dags/unused.sl.yml": dag("sample.py.j2", "{{domain}}.py") }),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.pipelines.map((p) => p.id)).toEqual(["load_shop", "t_kpi_revenue", "t_kpi_top"]);
  });

  it("a custom template is accepted for loads and transforms, with a warning saying what we do", async () => {
    const custom = dag("templates/airflow__my_own.py.j2", "custom_{{domain}}.py");
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": custom,
        "metadata/dags/transform_each.sl.yml": custom.replace("custom_", "t_"),
      }),
    );
    expect(codes(r)).toEqual(["custom_template", "custom_template"]);
    expect(r.diagnostics[0]?.message).toMatch(
      /template "templates\/airflow__my_own\.py\.j2" is not one of Starlake's standard templates: slo does not use it and renders its own (load|transform) pipelines for this dag config, in the shell execution environment \(neither the template's name nor the options name another one/,
    );
    expect(r.pipelines.map((p) => p.id)).toEqual(["custom_shop", "t_kpi"]);
    expect(byId(r.pipelines, "custom_shop").environment.kind).toBe("shell");
    // The load pipeline keeps its load shape (a load task per table).
    expect(byId(r.pipelines, "custom_shop").tasks.map((t) => t.id)).toContain("load_shop_orders");
  });

  it("Starlake's Snowflake templates (environment sql) run in the shell, with a warning, not an error", async () => {
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag(
          "load/snowflake__scheduled_table__sql.py.j2",
          "s_{{domain}}.py",
          {
            warehouse: "COMPUTE_WH",
          },
        ),
        "metadata/dags/transform_each.sl.yml": dag(
          "transform/snowflake__scheduled_task__sql.py.j2",
          "st_{{domain}}.py",
        ),
      }),
    );
    expect(codes(r)).toEqual(["custom_template", "unsupported_option", "custom_template"]);
    expect(r.diagnostics[0]?.message).toContain(
      "is for Starlake's snowflake orchestrator, which runs the SQL statements itself (as Snowflake tasks, or through a database session) and which slo does not render",
    );
    expect(r.pipelines.map((p) => [p.id, p.environment.kind])).toEqual([
      ["s_shop", "shell"],
      ["st_kpi", "shell"],
    ]);
  });

  it("the execution environment of a custom template: its name's suffix, else its options", async () => {
    const bySuffix = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag("airflow__mine_cloud_run.py.j2", "l.py", {
          cloud_run_job_name: "job",
          cloud_run_project_id: "my-project",
        }),
      }),
    );
    expect(byId(bySuffix.pipelines, "l").environment.kind).toBe("cloud_run");
    expect(bySuffix.diagnostics[0]?.message).toContain("the template's name ends with cloud_run");
    const byOption = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag("airflow__x.py.j2", "l.py", {
          cloud_run_job_name: "job",
          cloud_run_project_id: "my-project",
        }),
      }),
    );
    expect(byId(byOption.pipelines, "l").environment.kind).toBe("cloud_run");
    expect(byOption.diagnostics[0]?.message).toContain("the dag config sets cloud_run_job_name");
  });

  it("as starlake validate: a referenced template names its orchestrator, the same for all", async () => {
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag("templates/my_own.py.j2", "l.py"),
        "metadata/dags/transform_each.sl.yml": dag(
          "transform/dagster__scheduled_task__shell.py.j2",
          "t.py",
        ),
        "metadata/dags/unused.sl.yml": dag("odd.py.j2", "u.py"),
      }),
    );
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}: ${d.message}`)).toEqual([
      'metadata/dags/load_all.sl.yml:2: invalid_template_name: dag config load_all: template "templates/my_own.py.j2" does not name its orchestrator; expected a file name of the form <orchestrator>__<name> (airflow__…, dagster__…), as starlake validate requires',
      expect.stringMatching(/^metadata\/dags\/load_all\.sl\.yml:2: custom_template: /),
    ]);
    const mixed = await plan(
      baseProject({
        "metadata/dags/transform_each.sl.yml": dag(
          "transform/dagster__scheduled_task__shell.py.j2",
          "t.py",
        ),
      }),
    );
    expect(mixed.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}: ${d.message}`)).toEqual([
      'metadata/dags/transform_each.sl.yml:2: mixed_orchestrators: dag config transform_each: template "transform/dagster__scheduled_task__shell.py.j2" is for dagster, but dag config load_all is for airflow; expected one orchestrator for all the dag configs a project references, as starlake validate requires',
    ]);
    expect(mixed.pipelines).toEqual([]);
  });

  it("as starlake validate: the application's dagRefs count, used by a table or not", async () => {
    // Every table and task names its own config; the application's point elsewhere.
    const own = {
      "metadata/load/shop/_config.sl.yml":
        "version: 1\nload:\n  metadata:\n    schedule: daily\n    dagRef: load_all\n",
      "metadata/transform/kpi/_config.sl.yml":
        "version: 1\ntransform:\n  default:\n    dagRef: transform_each\n",
    };
    const app = (load: string) =>
      `version: 1\napplication:\n  dagRef:\n    load: ${load}\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n`;
    const show = (r: { diagnostics: readonly { file?: string; line?: number; code: string }[] }) =>
      r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}`);
    const dagster = await plan(
      baseProject({
        ...own,
        "metadata/application.sl.yml": app("z_dagster"),
        "metadata/dags/z_dagster.sl.yml": dag("load/dagster__scheduled_table__shell.py.j2", "z.py"),
      }),
    );
    expect(show(dagster)).toEqual(["metadata/dags/z_dagster.sl.yml:2: mixed_orchestrators"]);
    const missing = await plan(
      baseProject({ ...own, "metadata/application.sl.yml": app("load_al") }),
    );
    expect(missing.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([
      'metadata/application.sl.yml:4: application dagRef.load: dagRef "load_al" names no file metadata/dags/load_al.sl.yml; did you mean load_all?',
    ]);
  });

  it("a bad dagRef that many tables inherit is one line, at the application", async () => {
    const r = await plan(
      baseProject({
        "metadata/application.sl.yml": [
          "version: 1",
          "application:",
          "  dagRef:",
          "    load: load_al",
          "    transform: transform_each",
          "  schedulePresets:",
          '    daily: "0 2 * * *"',
          "",
        ].join("\n"),
      }),
    );
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code}: ${d.message}`)).toEqual([
      'metadata/application.sl.yml:4: unknown_dag_ref: application dagRef.load: dagRef "load_al" names no file metadata/dags/load_al.sl.yml; did you mean load_all?',
    ]);
  });

  it("a standard template of the other kind is a warning at the reference (starlake validate accepts it)", async () => {
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag(
          "transform/airflow__scheduled_task__shell.py.j2",
          "l.py",
        ),
      }),
    );
    expect(codes(r)).toEqual(["wrong_dag_kind"]);
    expect(r.diagnostics[0]?.severity).toBe("warning");
    expect(byId(r.pipelines, "l").tasks.map((t) => t.kind)).toContain("load");
  });
});

describe("SL_ENV reaches the Starlake commands", () => {
  it("the active SL_ENV is in every pipeline's environment, unless sl_env_var sets it", async () => {
    const files = baseProject({ "metadata/env.DUCKDB.sl.yml": "env:\n  x: '1'\n" });
    const r = await plan(files, "DUCKDB");
    for (const p of r.pipelines) expect(p.environment.env.SL_ENV).toBe("DUCKDB");
    const none = await plan(files);
    for (const p of none.pipelines) expect(p.environment.env.SL_ENV).toBeUndefined();
    const own = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": [
          "dag:",
          '  template: "load/airflow__scheduled_table__shell.py.j2"',
          '  filename: "l.py"',
          "  options:",
          '    sl_env_var: \'{"SL_ROOT": "/srv/p", "SL_ENV": "OTHER"}\'',
          "",
        ].join("\n"),
      }),
      "DUCKDB",
    );
    expect(byId(own.pipelines, "l").environment.env.SL_ENV).toBe("OTHER");
  });
});

describe("dag config values are rendered as Jinja, as Starlake's DagGenerateJob does", () => {
  it("filters in filename and options; an undefined name in an option renders empty with a warning", async () => {
    const clean = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": dag(
          "load/airflow__scheduled_table__shell.py.j2",
          "load_{{ domain | upper }}.py",
          { tags: '{{ team | default("data") }} {{ nobody }}x' },
        ),
      }),
    );
    expect(clean.pipelines.map((p) => p.id)).toContain("load_shop");
    expect(byId(clean.pipelines, "load_shop").tags).toEqual(["data", "shop", "x"]);
    expect(clean.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      "unknown_variable: option tags: unknown variable nobody for pipeline load_shop",
    ]);
  });
});

describe("a dagRef from the process environment", () => {
  const files = baseProject({
    "metadata/env.sl.yml": 'env:\n  dag_ref: "{{SL_DAG_REF}}"\n',
    "metadata/application.sl.yml":
      'application:\n  dagRef:\n    load: "{{ dag_ref }}"\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n',
  });
  it("works with SL_DAG_REF exported", async () => {
    const r = await planProject(fixture(files), {
      vars: { SL_ROOT: "/srv/p" },
      env: { SL_DAG_REF: "load_all" },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.pipelines.map((p) => p.id)).toContain("load_shop");
  });

  it("without it: the undefined variable, then one error at the dagRef it empties", async () => {
    const r = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, env: {} });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity}[${d.code}]`)).toEqual([
      "metadata/application.sl.yml:3 error[empty_dag_ref]",
      "metadata/env.sl.yml:2 warning[undefined_variable]",
    ]);
  });
});
