import type { DataprocEnvironment, DataprocMachine } from "../pipeline/environment.js";
import type { BuiltInEnvironment } from "./environment-kind.js";
import * as names from "./gcp-names.js";
import type { OptionReader } from "./option-reader.js";

/**
 * Room left for the part of a cluster's name unique to a run (`-` and 8 hex digits): Dataproc
 * names have at most 51 characters.
 */
export const CLUSTER_PREFIX_MAX = 42;
const CLUSTER = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][-a-z0-9_.]{1,220}[a-z0-9]$/;
const MACHINE = /^[a-z0-9][-a-z0-9]*$/;
const SPARK_ENV_VALUE = /^[A-Za-z0-9_./:@%+=,-]*$/;

/** GCP Dataproc (spec §3.5, §4.5): a cluster per run around Spark jobs running Starlake's main. */
export const dataproc: BuiltInEnvironment<DataprocEnvironment> = {
  name: "dataproc",
  optionKeys: [
    "spark_jar_list",
    "spark_bucket",
    "spark_job_main_class",
    "spark_properties",
    "spark_task_properties",
    "dataproc_name",
    "dataproc_project_id",
    "dataproc_region",
    "dataproc_subnet",
    "dataproc_service_account",
    "dataproc_image_version",
    "dataproc_num_workers",
    "dataproc_idle_delete_ttl",
    ...["master", "worker"].flatMap((g) =>
      ["machine_type", "disk_type", "disk_size"].map((s) => `dataproc_${g}_${s}`),
    ),
  ],
  read(o, base) {
    const project = o.required("dataproc_project_id");
    o.check("dataproc_project_id", project, names.GCP_PROJECT, names.GCP_PROJECT_TEXT);
    const region = o.string("dataproc_region", "europe-west1");
    o.check("dataproc_region", region, names.GCP_REGION, names.GCP_REGION_TEXT);
    const name = o.string("dataproc_name", "dataproc-cluster");
    if (name.length > CLUSTER_PREFIX_MAX || !CLUSTER.test(name))
      o.invalid(
        "dataproc_name",
        name,
        `a cluster name prefix of at most ${CLUSTER_PREFIX_MAX} lowercase letters, digits and hyphens, starting with a letter (slo adds a part unique to each run)`,
      );
    const subnet = o.string("dataproc_subnet", "default");
    o.check("dataproc_subnet", subnet, /^[a-z]([-a-z0-9]*[a-z0-9])?$/, "a subnetwork name");
    const serviceAccount = o.optional("dataproc_service_account");
    if (serviceAccount !== undefined)
      o.check(
        "dataproc_service_account",
        serviceAccount,
        names.SERVICE_ACCOUNT,
        names.SERVICE_ACCOUNT_TEXT,
      );
    const imageVersion = o.string("dataproc_image_version", "2.2-debian12");
    o.check("dataproc_image_version", imageVersion, /^[a-z0-9][-a-z0-9.]*$/, "an image version");
    const jars = o.list("spark_jar_list");
    if (jars.length === 0) o.required("spark_jar_list");
    for (const jar of jars)
      o.check("spark_jar_list", jar, /^(gs|file|hdfs):\/\/\S+$/, "jar URIs (gs://…)");
    const bucket = o.required("spark_bucket").replace(/^gs:\/\//, "");
    o.check("spark_bucket", bucket, BUCKET, "a GCS bucket name");
    // Dataproc writes spark-env properties into spark-env.sh, a file a shell sources
    for (const [k, v] of Object.entries(base.env))
      if (!SPARK_ENV_VALUE.test(v))
        o.invalid(
          "sl_env_var",
          `${k}=${v}`,
          "values of letters, digits and _ . / : @ % + = , - in the dataproc environment (they become spark-env properties of the cluster, read by a shell)",
        );
    const mainClass = o.string("spark_job_main_class", "ai.starlake.job.Main");
    o.check("spark_job_main_class", mainClass, /^[A-Za-z_$][\w$.]*$/, "a Java class name");
    return {
      kind: "dataproc",
      ...base,
      project,
      region,
      cluster: {
        name,
        subnet,
        ...(serviceAccount !== undefined ? { serviceAccount } : {}),
        imageVersion,
        master: machine(o, "master"),
        workers: o.integer("dataproc_num_workers", 4, 0),
        worker: machine(o, "worker"),
        // Dataproc refuses an idle time below ten minutes
        idleDeleteTtl: o.integer("dataproc_idle_delete_ttl", 3600, 600),
      },
      spark: {
        jars,
        mainClass,
        bucket,
        properties: {
          ...sparkDefaults(bucket),
          ...executor(o),
          ...o.textObject("spark_properties"),
        },
        taskProperties: o.nestedTextObject("spark_task_properties"),
      },
    };
  },
  preTask: (id) => ({ id: `create_${id}_cluster` }),
  postTask: (id) => ({ id: `delete_${id}_cluster` }),
};

function machine(o: OptionReader, group: "master" | "worker"): DataprocMachine {
  const key = (s: string) => `dataproc_${group}_${s}`;
  const machineType = o.string(key("machine_type"), "n1-standard-4");
  o.check(key("machine_type"), machineType, MACHINE, "a machine type such as n1-standard-4");
  const diskType = o.string(key("disk_type"), "pd-standard");
  o.check(key("disk_type"), diskType, MACHINE, "a disk type such as pd-standard");
  return { machineType, diskType, diskSize: o.integer(key("disk_size"), 1024, 10) };
}

/** What every Starlake Spark job needs (spec §4.5). */
function sparkDefaults(bucket: string): Record<string, string> {
  return {
    "spark.hadoop.fs.defaultFS": `gs://${bucket}`,
    "spark.eventLog.enabled": "true",
    "spark.sql.sources.partitionOverwriteMode": "DYNAMIC",
    "spark.sql.legacy.parquet.int96RebaseModeInWrite": "CORRECTED",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.datasource.bigquery.temporaryGcsBucket": bucket,
    "spark.datasource.bigquery.allowFieldAddition": "true",
    "spark.datasource.bigquery.allowFieldRelaxation": "true",
    "spark.dynamicAllocation.enabled": "false",
    "spark.shuffle.service.enabled": "false",
  };
}

function executor(o: OptionReader): Record<string, string> {
  const memory = o.string("spark_executor_memory", "11g");
  o.check("spark_executor_memory", memory, /^[0-9]+[kmgt]?$/i, "a memory size such as 11g");
  return {
    "spark.executor.memory": memory,
    "spark.executor.cores": String(o.integer("spark_executor_cores", 4)),
    "spark.executor.instances": String(o.integer("spark_executor_instances", 1)),
  };
}
