import { SHARED_RUNTIME } from "../python/generated/runtime.js";
import { runtimeFor } from "../python/runtime-units.js";
import { DAGSTER_RUNTIME_FILES } from "./generated/runtime.js";

/**
 * The part of the .py runtime a definitions file needs, given the file's own code: of
 * src/backends/dagster/runtime/*.py and the load helper shared with Airflow
 * (src/backends/python/runtime), the definitions that code reaches, where a step runs, its dates
 * and its command first, then the graph and assets built from them, what starts runs last (the
 * runners of the cloud environments after them); and the file's import lines, with a Dagster code
 * location's packages as the third-party section.
 */
export const dagsterRuntime = runtimeFor(
  () => ({ ...DAGSTER_RUNTIME_FILES, ...SHARED_RUNTIME }),
  [
    "worker_paths.py",
    "dates.py",
    "words.py",
    "command.py",
    "steps.py",
    "graph.py",
    "return_load_files.py",
    "partitions.py",
    "assets.py",
    "schedules.py",
    "automation.py",
  ],
  ["boto3", "botocore", "dagster", "dagster_aws", "dagster_gcp", "google"],
);
