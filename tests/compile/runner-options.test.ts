import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { orchestrator } from "../../src/backends/registry.js";
import { planProject } from "../../src/compile/plan-project.js";
import { IGNORED_OPTIONS, ignoredOptions, type Runner } from "../../src/compile/runner-options.js";
import { OPTION_SPECS } from "../../src/starlake/options.js";

// Every option, set away from its default on a bakery dag config where it can matter (with the
// options it depends on set in both runs). The value is what a user could write.
type Case = {
  config: string;
  value: string;
  context?: Record<string, string>;
  /** DuckDB in memory: no writer pool stands in front of `default_pool`. */
  inMemory?: true;
};
const CASES: Record<string, Case> = {
  sl_env_var: {
    config: "load_plain",
    value: '{"SL_ROOT": "{{SL_ROOT}}", "SL_ENV": "DUCKDB", "X_CHANGED": "1"}',
  },
  pre_load_strategy: { config: "load_plain", value: "pending" },
  global_ack_file_path: { config: "load_on_ack", value: "{{SL_ROOT}}/other.ack" },
  ack_wait_timeout: { config: "load_on_ack", value: "77" },
  pre_load_sensor: { config: "load_per_domain", value: "true" },
  pre_load_poke_interval: {
    config: "load_per_domain",
    value: "77",
    context: { pre_load_sensor: "true" },
  },
  pre_load_timeout: {
    config: "load_per_domain",
    value: "7777",
    context: { pre_load_sensor: "true" },
  },
  pre_load_sensor_soft_fail: {
    config: "load_per_domain",
    value: "true",
    context: { pre_load_sensor: "true" },
  },
  pre_load_not_ready_sentinel_path: { config: "load_per_domain", value: "{{SL_ROOT}}/not-ready" },
  retries: { config: "load_plain", value: "5" },
  retry_delay: { config: "load_plain", value: "77" },
  tags: { config: "load_plain", value: "changed" },
  start_date: { config: "transform_with_deps", value: "2023-06-01", context: { catchup: "true" } },
  end_date: { config: "transform_with_deps", value: "2030-01-01" },
  timezone: { config: "load_per_table", value: "Asia/Tokyo" },
  SL_TIMEZONE: { config: "load_per_table", value: "Asia/Tokyo" },
  cron_period_frequency: { config: "transform_all_inputs", value: "day" },
  run_dependencies_first: { config: "transform_per_task", value: "true" },
  catchup: { config: "transform_with_deps", value: "true" },
  dataset_triggering_strategy: { config: "transform_per_task", value: "all" },
  data_cycle_enabled: {
    config: "transform_all_inputs",
    value: "true",
    context: { data_cycle: "daily" },
  },
  data_cycle: {
    config: "transform_all_inputs",
    value: "hourly",
    context: { data_cycle_enabled: "true" },
  },
  beyond_data_cycle_enabled: {
    config: "transform_all_inputs",
    value: "false",
    context: { data_cycle_enabled: "true" },
  },
  optional_dataset_enabled: { config: "transform_all_inputs", value: "true" },
  min_timedelta_between_runs: { config: "transform_all_inputs", value: "77" },
  sl_schedule_parameter_name: { config: "transform_all_inputs", value: "x_schedule" },
  sl_schedule_format: { config: "transform_all_inputs", value: "%Y" },
  spark_config_name: { config: "load_plain", value: "big" },
  spark_executor_memory: { config: "load_plain", value: "2g" },
  spark_executor_cores: { config: "load_plain", value: "2" },
  spark_executor_instances: { config: "load_plain", value: "3" },
  SL_STARLAKE_PATH: { config: "load_plain", value: "/opt/starlake/starlake" },
  sl_include_env_vars: { config: "load_plain", value: "FOO" },
  default_pool: { config: "load_plain", value: "changed", inMemory: true },
  max_active_runs: { config: "load_plain", value: "7" },
  default_dag_args: { config: "load_plain", value: '{"owner": "data"}' },
  access_control: { config: "load_plain", value: '{"Viewer": ["can_read"]}' },
};

/**
 * Honoured without a change a test can see: Airflow and Dagster pass their whole environment to
 * the command, so the variables named reach it there without being named; the Python library
 * only stores the period frequency, it changes nothing there either.
 */
const HONOURED_UNSEEN: ReadonlySet<string> = new Set([
  "airflow:sl_include_env_vars",
  "dagster:sl_include_env_vars",
  "airflow:cron_period_frequency",
  "dagster:cron_period_frequency",
  "engine:cron_period_frequency",
]);

const RUNNERS: readonly Runner[] = ["airflow", "dagster", "engine"];
const work = mkdtempSync(join(tmpdir(), "slo-runner-options-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let copies = 0;
async function views(config: string, options: Record<string, string>, inMemory = false) {
  const dir = join(work, String(copies++));
  cpSync("examples/bakery", dir, { recursive: true });
  const app = join(dir, "metadata/application.sl.yml");
  if (inMemory)
    writeFileSync(
      app,
      readFileSync(app, "utf8").replace("{{SL_ROOT}}/datasets/duckdb.db", ":memory:"),
    );
  const file = join(dir, "metadata/dags", `${config}.sl.yml`);
  let yaml = readFileSync(file, "utf8");
  for (const key of Object.keys(options))
    yaml = yaml.replace(new RegExp(`^    ${key}:.*\\n`, "m"), "");
  const lines = Object.entries(options).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`);
  writeFileSync(file, yaml.replace("  options:\n", `  options:\n${lines.join("")}`));
  const plan = await planProject(dir, { vars: { SL_ROOT: "/srv/bakery" }, env: {} });
  expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const render = (name: string) =>
    (orchestrator(name)?.render(plan.pipelines, { source: "bakery" }) ?? [])
      .map((f) => f.content)
      .join("\n");
  // The engine reads the pipeline model but its raw options and its Airflow settings (the
  // architecture test forbids the first; the second are Airflow's by name).
  const engine = JSON.stringify(plan.pipelines.map(({ options: _, airflow: __, ...p }) => p));
  return { plan, seen: { airflow: render("airflow"), dagster: render("dagster"), engine } };
}

describe("every option is honoured by each runner, or reported as ignored there", () => {
  it("has a case for every option", () => {
    expect(Object.keys(CASES).sort()).toEqual(OPTION_SPECS.map((s) => s.key).sort());
  });

  for (const [key, c] of Object.entries(CASES)) {
    it(key, async () => {
      const before = await views(c.config, c.context ?? {}, c.inMemory);
      const after = await views(c.config, { ...(c.context ?? {}), [key]: c.value }, c.inMemory);
      const file = `metadata/dags/${c.config}.sl.yml`;
      for (const runner of RUNNERS) {
        const warned = ignoredOptions(after.plan.project, after.plan.pipelines, runner).filter(
          (d) => d.message.startsWith(`option ${key} `) && d.file === file,
        );
        if (IGNORED_OPTIONS[runner].has(key)) {
          expect(warned, `${runner} ignores ${key}: one warning`).toHaveLength(1);
          expect(warned[0]?.line).toBeGreaterThan(0);
        } else {
          expect(warned, `${runner} honours ${key}: no warning`).toEqual([]);
          if (!HONOURED_UNSEEN.has(`${runner}:${key}`))
            expect(after.seen[runner], `${runner} honours ${key}: its output changes`).not.toBe(
              before.seen[runner],
            );
        }
      }
      // nothing to say where the option keeps its default
      for (const runner of RUNNERS)
        expect(
          ignoredOptions(before.plan.project, before.plan.pipelines, runner).filter(
            (d) => d.message.startsWith(`option ${key} `) && d.file === file,
          ),
        ).toEqual([]);
    });
  }
});
