import type { CloudRunEnvironment } from "../pipeline/environment.js";
import type { BuiltInEnvironment } from "./environment-kind.js";
import * as names from "./gcp-names.js";

const JOB = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** GCP Cloud Run jobs (spec §3.4, §4.4): one job execution per task, argv and env as overrides. */
export const cloudRun: BuiltInEnvironment<CloudRunEnvironment> = {
  name: "cloud_run",
  optionKeys: [
    "cloud_run_job_name",
    "cloud_run_project_id",
    "cloud_run_job_region",
    "cloud_run_service_account",
    "cloud_run_async",
    "cloud_run_async_poke_interval",
    "retry_delay_in_seconds",
  ],
  read(o, base) {
    const job = o.required("cloud_run_job_name");
    o.check("cloud_run_job_name", job, JOB, "a Cloud Run job name (lowercase letters, digits, -)");
    const project = o.required("cloud_run_project_id");
    o.check("cloud_run_project_id", project, names.GCP_PROJECT, names.GCP_PROJECT_TEXT);
    const region = o.string("cloud_run_job_region", "europe-west1");
    o.check("cloud_run_job_region", region, names.GCP_REGION, names.GCP_REGION_TEXT);
    const serviceAccount = o.optional("cloud_run_service_account");
    if (serviceAccount !== undefined)
      o.check(
        "cloud_run_service_account",
        serviceAccount,
        names.SERVICE_ACCOUNT,
        names.SERVICE_ACCOUNT_TEXT,
      );
    return {
      kind: "cloud_run",
      ...base,
      job,
      project,
      region,
      ...(serviceAccount !== undefined ? { serviceAccount } : {}),
      wait: o.boolean("cloud_run_async", true)
        ? { mode: "async", pokeInterval: o.integer("cloud_run_async_poke_interval", 30) }
        : { mode: "sync" },
      retryDelay: o.integer("retry_delay_in_seconds", 10, 0),
    };
  },
};
