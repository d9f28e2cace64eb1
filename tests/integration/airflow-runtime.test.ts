import { describePythonRuntime } from "../helpers/python-runtime-suite.js";

/**
 * The Python runtime of the Airflow DAG files (src/backends/airflow/runtime) under its own unit
 * tests (tests/python/airflow, pytest) and real ruff, in the cached Airflow 3.3 environment.
 */
describePythonRuntime({
  name: "Airflow",
  env: "airflow",
  homeVariable: "AIRFLOW_HOME",
  folders: ["src/backends/airflow/runtime", "tests/python/airflow"],
});
