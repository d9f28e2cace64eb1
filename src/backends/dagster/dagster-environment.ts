import { unsupportedEnvironment } from "../../environments/unsupported.js";
import { ConfigError } from "../../errors.js";
import { assertNever } from "../../pipeline/environment.js";
import type { Pipeline } from "../../pipeline/pipeline.js";

const SUPPORTED = ["shell", "cloud_run", "dataproc", "fargate"];

/**
 * The environments the Dagster definitions run: the shell, and the cloud ones through their
 * Python clients (runtime/fargate.py, cloud_run.py, dataproc.py). A pre-load check in a cloud
 * environment is refused as on Airflow: "nothing to load" is Starlake's exit code 1, which a
 * cloud job's failure hides.
 */
export function checkDagsterEnvironments(pipelines: readonly Pipeline[]): void {
  for (const p of pipelines) {
    const e = p.environment;
    switch (e.kind) {
      case "shell":
        break;
      case "cloud_run":
      case "dataproc":
      case "fargate":
        if (p.tasks.some((t) => t.gate !== undefined && t.command !== undefined))
          throw new ConfigError([
            unsupportedEnvironment(
              p,
              "dagster",
              SUPPORTED,
              "with a pre-load check (pre_load_strategy)",
            ),
          ]);
        break;
      case "registered":
        throw new ConfigError([unsupportedEnvironment(p, "dagster", SUPPORTED)]);
      default:
        assertNever(e, "execution environment");
    }
  }
}
