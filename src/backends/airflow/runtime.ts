import { SHARED_RUNTIME } from "../python/generated/runtime.js";
import { runtimeFor } from "../python/runtime-units.js";
import { AIRFLOW_RUNTIME } from "./generated/runtime.js";

/**
 * The runtime a DAG file needs, given the file's own code: of src/backends/airflow/runtime/*.py
 * and the load helper shared with Dagster (src/backends/python/runtime), the definitions that
 * code reaches, worker paths and dates first, links last; and the file's import lines, with what
 * an Airflow worker has as the third-party section.
 */
export const airflowRuntime = runtimeFor(
  () => ({ ...AIRFLOW_RUNTIME, ...SHARED_RUNTIME }),
  [
    "worker_paths.py",
    "dates.py",
    "preload.py",
    "alignment.py",
    "return_load_files.py",
    "before_load.py",
    "links.py",
  ],
  ["airflow", "croniter", "pendulum"],
);
