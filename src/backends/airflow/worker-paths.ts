import { starlakePathOf } from "../../pipeline/environment.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import { pyLiteral, pyString } from "../python/literal.js";
import { hasRoot, ROOT, rootPieces } from "../python/worker-root.js";
import { jinjaSafe, jinjaString } from "./jinja-safe.js";

/** The generate-time SL_ROOT of a pipeline: where its values name the project folder. */
export function generatedRoot(p: Pipeline): string {
  return p.environment.slRoot;
}

/**
 * The defaults of `sl_root()` and `sl_starlake()` (src/backends/airflow/runtime/worker_paths.py),
 * for workers without SL_ROOT or SL_STARLAKE_PATH. A relative root (`slo generate
 * --sl-root-relative`) is taken from the DAG file's folder; in the Starlake path, None stands for
 * the worker's project folder.
 */
export function workerPathsPython(p: Pipeline, rootDefault: string | undefined): string {
  const root = generatedRoot(p);
  const starlake = rootPieces(starlakePathOf(p.environment), root);
  const parts =
    starlake.length === 0 ? ["starlake"] : starlake.map((x) => (x === ROOT ? null : String(x)));
  return [
    "# Where the project and Starlake are on workers without SL_ROOT and SL_STARLAKE_PATH.",
    `SL_ROOT_DEFAULT = ${pyString(rootDefault ?? root)}`,
    `SL_STARLAKE_DEFAULT = ${pyLiteral(parts, "tuple")}`,
  ].join("\n");
}

/**
 * The pipeline's Starlake variables for the operator's `env` (rendered by Jinja on the worker):
 * a value that names the generate-time root names the worker's instead.
 */
export function envForWorker(p: Pipeline): Record<string, string> {
  const root = generatedRoot(p);
  return Object.fromEntries(
    Object.entries(p.environment.env).map(([k, v]) => {
      const pieces = rootPieces(v, root);
      if (!hasRoot(pieces)) return [k, jinjaSafe(v)];
      const parts = pieces.map((x) => (x === ROOT ? "sl_root()" : jinjaString(String(x))));
      return [k, `{{ ${parts.join(" ~ ")} }}`];
    }),
  );
}
