import { unsupportedEnvironment } from "../../environments/unsupported.js";
import { ConfigError } from "../../errors.js";
import { assertNever } from "../../pipeline/environment.js";
import type { Pipeline } from "../../pipeline/pipeline.js";

/** The environments the Dagster definitions run: the shell (Dagster's own cloud clients come later). */
export function checkDagsterEnvironments(pipelines: readonly Pipeline[]): void {
  for (const p of pipelines) {
    const e = p.environment;
    switch (e.kind) {
      case "shell":
        break;
      case "cloud_run":
      case "dataproc":
      case "fargate":
      case "registered":
        throw new ConfigError([unsupportedEnvironment(p, "dagster", ["shell"])]);
      default:
        assertNever(e, "execution environment");
    }
  }
}
