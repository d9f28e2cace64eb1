import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { OptionValue } from "../starlake/options.js";
import type { EnvironmentKind } from "./environment-kind.js";

/** Option keys of a cloud environment, with defaults; `null` marks a required key. */
type Keys = Readonly<Record<string, string | null>>;

function cloudKind(name: string, keys: Keys, extra?: Partial<EnvironmentKind>): EnvironmentKind {
  return {
    name,
    optionKeys: Object.keys(keys),
    settings(options, placeOf) {
      const settings: Record<string, OptionValue> = {};
      const diagnostics: Diagnostic[] = [];
      for (const [key, fallback] of Object.entries(keys)) {
        const value = options[key] ?? fallback;
        if (value === null || (fallback === null && value === "")) {
          diagnostics.push(
            diagnosticAt(
              placeOf(key),
              "error",
              "missing_option",
              `the ${name} environment needs option ${key}`,
            ),
          );
        }
        settings[key] = value;
      }
      return { settings, diagnostics };
    },
    ...extra,
  };
}

/** GCP Cloud Run jobs (spec §3.4, §4.4). */
export const cloudRun = cloudKind("cloud_run", {
  cloud_run_job_name: null,
  cloud_run_project_id: "",
  cloud_run_job_region: "europe-west1",
  cloud_run_service_account: "",
  cloud_run_async: "true",
  cloud_run_async_poke_interval: "30",
  retry_on_failure: "false",
  retry_delay_in_seconds: "10",
  use_gcloud: "true",
});

/** GCP Dataproc: a cluster created before the tasks and deleted after them (spec §3.5, §4.5). */
export const dataproc = cloudKind(
  "dataproc",
  {
    spark_jar_list: null,
    spark_bucket: null,
    spark_job_main_class: "ai.starlake.job.Main",
    dataproc_name: "dataproc-cluster",
    dataproc_project_id: "",
    dataproc_region: "europe-west1",
    dataproc_subnet: "default",
    dataproc_image_version: "2.2-debian12",
    dataproc_num_workers: "4",
    dataproc_idle_delete_ttl: "3600",
  },
  {
    preTask: (id) => ({ id: `create_${id}_cluster` }),
    postTask: (id) => ({ id: `delete_${id}_cluster` }),
  },
);

/** AWS Fargate tasks on ECS (spec §3.6, §4.6). */
export const fargate = cloudKind("fargate", {
  aws_cluster_name: null,
  aws_task_definition_name: null,
  aws_task_definition_container_name: null,
  aws_region: "eu-west-3",
  aws_task_private_subnets: "",
  aws_task_security_groups: "",
  cpu: "1024",
  memory: "2048",
  fargate_async: "true",
  fargate_async_poke_interval: "30",
});
