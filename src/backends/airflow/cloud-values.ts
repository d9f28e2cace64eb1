import type { Task } from "../../pipeline/pipeline.js";
import { type ArgPiece, argvTemplate, type RunValueName } from "../../starlake/run-placeholders.js";
import { jinjaSafe } from "./jinja-safe.js";

/** The file's macros that render a run's values (runtime-helpers.ts). */
const RUN_VALUES: Readonly<Record<RunValueName, string>> = {
  scheduled: "{{ sl_scheduled_date(dag_run) }}",
  start: "{{ sl_data_interval_start(dag_run) }}",
  end: "{{ sl_scheduled_date(dag_run) }}",
  // only pre-load checks with a sentinel use it, and cloud environments refuse those
  scope: "{{ sl_sentinel_scope(dag_run) }}",
};

/**
 * A text for an operator field that Airflow renders with Jinja: literal parts protected (a value
 * holding `{{` comes out as written), run values as the file's macros. No shell is involved:
 * a cloud API receives each argument as one string, so nothing is quoted (spec §8.2's quoted
 * scheduled date is not repeated).
 */
export function templated(pieces: readonly ArgPiece[]): string {
  return pieces.map((p) => (typeof p === "string" ? jinjaSafe(p) : RUN_VALUES[p.value])).join("");
}

/**
 * The Starlake argv of a task for a container or a Spark job: exactly the command line every
 * runner produces (`starlakeArgv`: the Starlake variables merged into `--options`, the scheduled
 * date after the verb, the data interval), without the executable, which is the image's.
 */
export function cloudArgs(task: Task, env: Readonly<Record<string, string>>): string[] {
  return argvTemplate(task, env).map(templated);
}

/** A literal text for a templated field: written as is unless Jinja would change it. */
export const literal = (text: string): string => jinjaSafe(text);

/** `[{name, value}]` of the Starlake variables, in key order; none when there are none. */
export function envList(env: Readonly<Record<string, string>>): { name: string; value: string }[] {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name: literal(name), value: literal(env[name] ?? "") }));
}

/** Eight hex digits unique to the DAG run (the same in every task of the run), in Jinja. */
export const RUN_HASH =
  "{{ macros.uuid.uuid5(macros.uuid.NAMESPACE_URL, dag_run.dag_id ~ '/' ~ dag_run.run_id).hex[:8] }}";

/** Twelve hex digits unique to a task of a run, and its attempt number: unique per attempt. */
export const ATTEMPT_ID =
  "{{ macros.uuid.uuid5(macros.uuid.NAMESPACE_URL, ti.dag_id ~ '/' ~ ti.run_id ~ '/' ~ ti.task_id).hex[:12] }}-{{ ti.try_number }}";
