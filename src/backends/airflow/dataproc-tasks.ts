import { dataprocClusterConfig, mapStrings } from "../../environments/dataproc-cluster-config.js";
import type { DataprocEnvironment } from "../../pipeline/environment.js";
import type { Task } from "../../pipeline/pipeline.js";
import { type PyValue, pyLiteral } from "../python/literal.js";
import { ATTEMPT_ID, cloudArgs, literal, RUN_HASH } from "./cloud-values.js";

/**
 * The cluster of a run: the configured prefix and a part unique to the DAG run, the same in the
 * create, submit and delete tasks (the Python library's `<name>-<today>` collided between two
 * runs of a day and changed with the day the file was parsed).
 */
function clusterName(e: DataprocEnvironment): string {
  return `${literal(e.cluster.name)}-${RUN_HASH}`;
}

const where = (e: DataprocEnvironment) => [
  `project_id=${pyLiteral(literal(e.project))}`,
  `region=${pyLiteral(literal(e.region))}`,
];

/** The cluster, as every runner creates it, its values written so that Jinja leaves them as they are. */
function clusterConfig(e: DataprocEnvironment): PyValue {
  return mapStrings(dataprocClusterConfig(e), literal) as PyValue;
}

/** Creates the run's cluster before any task (kept when it already exists: a retried create). */
export function createClusterTask(e: DataprocEnvironment, common: readonly string[]): string[] {
  return [
    ...common,
    ...where(e),
    `cluster_name=${pyLiteral(clusterName(e))}`,
    `cluster_config=${pyLiteral(clusterConfig(e))}`,
    "use_if_exists=True",
    "delete_on_error=True",
  ];
}

/** Deletes the run's cluster: a teardown of the create task, whatever the tasks did. */
export function deleteClusterTask(e: DataprocEnvironment, common: readonly string[]): string[] {
  return [...common, ...where(e), `cluster_name=${pyLiteral(clusterName(e))}`];
}

/**
 * A Starlake task as a Spark job on the run's cluster: Starlake's main class with the task's
 * argv, the jars, and the Spark properties (the task's own over the pipeline's). The job id is
 * unique per attempt (task, run and try number): a retry is a new job, never a clash with the
 * failed one (spec §8.1 #109).
 */
export function sparkJobTask(e: DataprocEnvironment, t: Task, common: readonly string[]): string[] {
  const properties = { ...e.spark.properties, ...e.spark.taskProperties[t.id] };
  const job = {
    reference: {
      project_id: literal(e.project),
      job_id: `${t.id.slice(0, 60)}-${ATTEMPT_ID}`,
    },
    placement: { cluster_name: clusterName(e) },
    spark_job: {
      jar_file_uris: e.spark.jars.map(literal),
      main_class: literal(e.spark.mainClass),
      args: cloudArgs(t, e.env),
      properties: Object.fromEntries(
        Object.keys(properties)
          .sort()
          .map((k) => [literal(k), literal(properties[k] ?? "")]),
      ),
    },
  };
  return [...common, ...where(e), `job=${pyLiteral(job)}`];
}
