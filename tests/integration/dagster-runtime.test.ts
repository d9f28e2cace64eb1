import { describePythonRuntime } from "../helpers/python-runtime-suite.js";

/**
 * The Python runtime of the generated Dagster definitions (src/backends/dagster/runtime) and the
 * load helper it shares with Airflow (src/backends/python/runtime), under their pytest unit tests
 * (tests/python/dagster) and real ruff, in the cached Dagster 1.13 environment.
 */
describePythonRuntime({
  name: "Dagster",
  env: "dagster",
  homeVariable: "DAGSTER_HOME",
  folders: ["src/backends/dagster/runtime", "src/backends/python/runtime", "tests/python/dagster"],
});
