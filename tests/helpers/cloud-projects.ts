import { baseProject } from "./fixture.js";

/** A complete set of options per cloud environment: what a user must write, and a bit more. */
export const CLOUD_OPTIONS = {
  cloud_run: {
    cloud_run_job_name: "starlake-job",
    cloud_run_project_id: "my-project",
    cloud_run_job_region: "europe-west4",
    cloud_run_service_account: "runner@my-project.iam.gserviceaccount.com",
  },
  dataproc: {
    dataproc_project_id: "my-project",
    dataproc_name: "sl-cluster",
    spark_jar_list: "gs://my-bucket/jars/starlake.jar,gs://my-bucket/jars/deps.jar",
    spark_bucket: "my-bucket",
    spark_executor_memory: "8g",
    spark_task_properties: '{"load_shop_orders": {"spark.executor.memory": "16g"}}',
  },
  fargate: {
    aws_cluster_name: "sl-cluster",
    aws_task_definition_name: "starlake:3",
    aws_task_definition_container_name: "starlake",
    aws_task_private_subnets: "subnet-0a1b,subnet-0c2d",
    aws_task_security_groups: "sg-0e3f",
  },
} as const;

export type CloudName = keyof typeof CLOUD_OPTIONS;

/** A dag config file in the environment `env` (`shell` or a cloud one), its options written as YAML. */
export function envDag(
  kind: "load" | "transform",
  env: "shell" | CloudName,
  filename: string,
  options: Readonly<Record<string, string>> = env === "shell" ? {} : CLOUD_OPTIONS[env],
  slEnv = '{"SL_ROOT": "/srv/p"}',
): string {
  const template =
    kind === "load"
      ? `load/airflow__scheduled_table__${env}.py.j2`
      : `transform/airflow__scheduled_task__${env}.py.j2`;
  return [
    "version: 1",
    "dag:",
    `  template: "${template}"`,
    `  filename: "${filename}"`,
    "  options:",
    ...Object.entries(options).map(([k, v]) => `    ${k}: '${v.replace(/'/g, "''")}'`),
    `    sl_env_var: '${slEnv.replace(/'/g, "''")}'`,
    "",
  ].join("\n");
}

/** The base project with its load and transform dag configs in `env`. */
export function envProject(
  env: "shell" | CloudName,
  options?: Readonly<Record<string, string>>,
  slEnv?: string,
): Record<string, string> {
  return baseProject({
    "metadata/dags/load_all.sl.yml": envDag("load", env, "load_{{domain}}.py", options, slEnv),
    "metadata/dags/transform_each.sl.yml": envDag(
      "transform",
      env,
      "t_{{domain}}_{{table}}.py",
      options,
      slEnv,
    ),
  });
}
