import type { Diagnostic } from "../pipeline/diagnostic.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Project } from "../project/project.js";
import { OPTION_BY_KEY } from "../starlake/options.js";

/** The runners slo ships: the two orchestrators it renders to, and its own engine. */
export type Runner = "airflow" | "dagster" | "engine";

const AIRFLOW_ONLY = "an Airflow DAG argument";
const NO_RUNNER = "a feature of the Python library that no runner of slo has yet";
const DATAPROC =
  "read by the Python library's Dataproc environment only, which slo does not run yet";

/**
 * The options a runner does not honour, and why; every other option of `OPTION_SPECS` is honoured
 * by all three (tests/compile/runner-options.test.ts proves it by changing each one and watching
 * each runner's output change). An option set away from its default for a runner that ignores it
 * is a warning at `generate`, `run` and `serve`, so that none is dropped without a word.
 */
export const IGNORED_OPTIONS: Readonly<Record<Runner, ReadonlyMap<string, string>>> = {
  airflow: new Map(noRunner()),
  dagster: new Map([
    ["start_date", "Dagster's schedules start when they are turned on"],
    ["end_date", "Dagster's schedules have no end"],
    ["catchup", "Dagster's schedules do not catch up; backfill the missed runs instead"],
    ["max_active_runs", "Dagster limits concurrent runs on the instance, not per job"],
    ["default_dag_args", AIRFLOW_ONLY],
    ["access_control", AIRFLOW_ONLY],
    ...noRunner(),
  ]),
  engine: new Map([
    ["default_dag_args", AIRFLOW_ONLY],
    ["access_control", AIRFLOW_ONLY],
    ...noRunner(),
  ]),
};

// What none of the three honours yet.
function noRunner(): [string, string][] {
  return [
    ...[
      "data_cycle_enabled",
      "data_cycle",
      "beyond_data_cycle_enabled",
      "optional_dataset_enabled",
      "min_timedelta_between_runs",
      "sl_schedule_parameter_name",
      "sl_schedule_format",
    ].map((key): [string, string] => [key, NO_RUNNER]),
    ...[
      "spark_config_name",
      "spark_executor_memory",
      "spark_executor_cores",
      "spark_executor_instances",
    ].map((key): [string, string] => [key, DATAPROC]),
  ];
}

/** Whether `runner` is one of slo's own (a registered orchestrator of a user's may be anything). */
export function isRunner(runner: string): runner is Runner {
  return Object.hasOwn(IGNORED_OPTIONS, runner);
}

/**
 * One warning per dag config and option that `runner` ignores although the pipelines set it away
 * from its default, at the option in the dag config when it is written there.
 */
export function ignoredOptions(
  project: Project | undefined,
  pipelines: readonly Pipeline[],
  runner: Runner,
): Diagnostic[] {
  const ignored = IGNORED_OPTIONS[runner];
  const found = new Map<string, { config: string; key: string; pipelines: string[] }>();
  for (const p of pipelines) {
    for (const [key] of ignored) {
      const value = p.options[key];
      if (value === undefined || value === OPTION_BY_KEY.get(key)?.default) continue;
      const config = p.source?.config ?? "";
      const id = `${config}\u0000${key}`;
      const entry = found.get(id) ?? { config, key, pipelines: [] };
      entry.pipelines.push(p.id);
      found.set(id, entry);
    }
  }
  return [...found.values()].map(({ config, key, pipelines: ids }) => {
    const dagConfig = project?.dagConfigs.find((c) => c.name === config);
    const at = dagConfig?.options.get(key)?.at ?? (dagConfig ? { file: dagConfig.file } : {});
    const from = dagConfig?.options.has(key) ? "" : ` (from environment variable ${key})`;
    const which =
      ids.length === 1 ? `pipeline ${ids[0]}` : `${ids.length} pipelines (${ids[0]}, …)`;
    return {
      code: "ignored_option",
      severity: "warning",
      message: `option ${key}${from} of ${which} is not honoured by ${runner}: ${ignored.get(key)}; it is ignored`,
      ...at,
    };
  });
}
