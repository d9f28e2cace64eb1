import { describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import { runCli } from "../helpers/cli.js";
import { CLOUD_OPTIONS, type CloudName, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";
import { PAYLOADS } from "../helpers/hostile-cases.js";

/** Every text inside a value. */
function leaves(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(leaves);
  return [];
}

async function plan(env: CloudName, options: Record<string, string>, slEnv?: string) {
  return planProject(fixture(envProject(env, options, slEnv)), {
    vars: { SL_ROOT: "/srv/p" },
    env: {},
  });
}

const REQUIRED: Readonly<Record<CloudName, readonly string[]>> = {
  cloud_run: ["cloud_run_job_name", "cloud_run_project_id"],
  dataproc: ["dataproc_project_id", "spark_jar_list", "spark_bucket"],
  fargate: [
    "aws_cluster_name",
    "aws_task_definition_name",
    "aws_task_definition_container_name",
    "aws_task_private_subnets",
  ],
};

describe("cloud environments' options, read at validate time", () => {
  for (const [env, keys] of Object.entries(REQUIRED) as [CloudName, string[]][])
    for (const key of keys)
      it(`${env}: a missing ${key} is a located error of slo plan and validate --strict, a warning of validate`, async () => {
        const { [key]: _, ...rest } = CLOUD_OPTIONS[env] as Record<string, string>;
        const root = fixture(envProject(env, rest));
        for (const verb of [["plan"], ["validate", "--strict"]]) {
          const r = await runCli([...verb, root]);
          expect(r.code, verb.join(" ")).toBe(2);
          // at the dag config's template line, once per dag config (load and transform)
          for (const config of ["load_all", "transform_each"])
            expect(r.stderr).toContain(
              `metadata/dags/${config}.sl.yml:3:13: error[missing_option]: the ${env} environment needs option ${key}`,
            );
        }
        // starlake validate does not read options: nor does plain slo validate refuse them
        const lenient = await runCli(["validate", root]);
        expect(lenient.code).toBe(0);
        expect(lenient.stderr).toContain(
          `metadata/dags/load_all.sl.yml:3:13: warning[missing_option]: the ${env} environment needs option ${key} (slo generate and slo run refuse it; starlake validate does not check options)`,
        );
      });

  it("a value of the wrong shape is a located error at the option, naming what was expected", async () => {
    const r = await plan("fargate", {
      ...CLOUD_OPTIONS.fargate,
      cpu: "lots",
      fargate_async: "maybe",
    });
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.file}:${d.line}: ${d.message}`)).toContain(
      'metadata/dags/load_all.sl.yml:11: option cpu: invalid value "lots"; expected a whole number of at least 1',
    );
    expect(errors.map((d) => d.message)).toContain(
      'option fargate_async: invalid value "maybe"; expected true or false',
    );
  });

  it("spark_task_properties naming no task is a warning at the option, with the task meant", async () => {
    const r = await plan("dataproc", {
      ...CLOUD_OPTIONS.dataproc,
      spark_task_properties: '{"load_shop_order": {"spark.executor.memory": "16g"}}',
    });
    expect(
      r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}[${d.code}]: ${d.message}`),
    ).toContain(
      "metadata/dags/load_all.sl.yml:11: warning[unknown_task]: option spark_task_properties: load_shop_order is no task of dag config load_all; did you mean load_shop_orders?; its properties are not used",
    );
    const ok = await plan("dataproc", CLOUD_OPTIONS.dataproc);
    expect(ok.diagnostics.filter((d) => d.code === "unknown_task").map((d) => d.file)).toEqual([
      "metadata/dags/transform_each.sl.yml",
    ]);
  });

  it("dataproc: a variable a shell would act on is a located error at sl_env_var", async () => {
    const r = await plan(
      "dataproc",
      CLOUD_OPTIONS.dataproc,
      '{"SL_ROOT": "gs://b/p", "SL_X": "a $(id)"}',
    );
    expect(
      r.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.file}:${d.line}: ${d.message}`),
    ).toContain(
      'metadata/dags/load_all.sl.yml:12: option sl_env_var: invalid value "SL_X=a $(id)"; expected values of letters, digits and _ . / : @ % + = , - in the dataproc environment (they become spark-env properties of the cluster, read by a shell)',
    );
  });

  // Names that reach templated operator fields: each payload is refused (a located error) or,
  // when the name's shape allows it, written as is. None may reach Jinja or Python unprotected.
  const NAMES: readonly [CloudName, string][] = [
    ["cloud_run", "cloud_run_job_name"],
    ["cloud_run", "cloud_run_project_id"],
    ["cloud_run", "cloud_run_job_region"],
    ["cloud_run", "cloud_run_service_account"],
    ["dataproc", "dataproc_name"],
    ["dataproc", "dataproc_subnet"],
    ["dataproc", "spark_bucket"],
    ["dataproc", "spark_jar_list"],
    ["dataproc", "spark_job_main_class"],
    ["dataproc", "dataproc_master_machine_type"],
    ["fargate", "aws_cluster_name"],
    ["fargate", "aws_task_definition_name"],
    ["fargate", "aws_task_private_subnets"],
    ["fargate", "aws_task_security_groups"],
    ["fargate", "aws_conn_id"],
  ];
  it("hostile names are refused at the option; only plain names pass", {
    timeout: 120_000,
  }, async () => {
    // line breaks would break the YAML of the test's own dag config, not reach compile
    const payloads = PAYLOADS.filter(
      (p) =>
        p.trim() !== "" && !["\u0000", "\r", "\n", "\u2028", "\u2029"].some((c) => p.includes(c)),
    );
    for (const [env, key] of NAMES)
      for (const payload of payloads) {
        const r = await plan(env, { ...CLOUD_OPTIONS[env], [key]: payload });
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        const load = r.pipelines.find((p) => p.id === "load_shop");
        if (errors.length > 0) {
          expect(errors[0]?.file, `${key}=${JSON.stringify(payload)}: ${errors[0]?.message}`).toBe(
            "metadata/dags/load_all.sl.yml",
          );
          expect(errors[0]?.line).toBeGreaterThan(5);
          continue;
        }
        // what passed (slo renders {% … %} first) holds no quote, space, $, backtick or brace
        const { env: _e, at: _a, ...settings } = load?.environment ?? {};
        for (const text of leaves(settings))
          expect(text, `${key}=${JSON.stringify(payload)}`).toMatch(/^[A-Za-z0-9_.:@/=,+-]*$/);
      }
  });

  it("free text (Spark properties, variables) is rendered as data, protected from Jinja", async () => {
    // NUL and a lone surrogate cannot be written in the test's YAML file
    for (const payload of PAYLOADS.filter((p) => !p.includes("\u0000") && !p.includes("\ud800"))) {
      // {% raw %}: slo renders options' Jinja (project variables) before anything else
      const value = JSON.stringify({ "spark.x": `{% raw %}${payload}{% endraw %}` });
      const r = await plan("dataproc", { ...CLOUD_OPTIONS.dataproc, spark_properties: value });
      expect(
        r.diagnostics.filter((d) => d.severity === "error"),
        payload,
      ).toEqual([]);
      const [file] = airflow.render(
        r.pipelines.filter((p) => p.id === "load_shop"),
        { source: "t" },
      );
      expect(file?.content).toContain("spark.x");
    }
  });
});
