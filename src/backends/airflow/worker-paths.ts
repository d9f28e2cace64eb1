import type { Pipeline } from "../../pipeline/pipeline.js";
import { pyString } from "../python/literal.js";
import { hasRoot, ROOT, rootPieces } from "../python/worker-root.js";
import { jinjaSafe, jinjaString } from "./jinja-safe.js";

/** The generate-time SL_ROOT of a pipeline: where its values name the project folder. */
export function generatedRoot(p: Pipeline): string {
  return String(p.environment.settings.slRoot ?? ".");
}

/**
 * `sl_root()` and `sl_starlake()`, read on the worker when a task runs (macros, so never at
 * import): the worker's SL_ROOT and SL_STARLAKE_PATH, else the defaults written here. A relative
 * default root (`slo generate --sl-root-relative`) is taken from the DAG file's folder.
 */
export function workerPathsPython(p: Pipeline, rootDefault: string | undefined): string {
  const root = generatedRoot(p);
  const starlake = rootPieces(String(p.environment.settings.starlakePath ?? "starlake"), root);
  const starlakeDefault =
    starlake.length === 0
      ? '"starlake"'
      : starlake.map((x) => (x === ROOT ? "sl_root()" : pyString(String(x)))).join(" + ");
  return `
# Where the project and Starlake are on the worker that runs a task: its SL_ROOT and
# SL_STARLAKE_PATH, else these defaults (a relative root is taken from this file's folder).
SL_ROOT_DEFAULT = ${pyString(rootDefault ?? root)}


def sl_root():
    """The project's folder on this worker."""
    root = os.environ.get("SL_ROOT")
    if root:
        return root
    if os.path.isabs(SL_ROOT_DEFAULT):
        return SL_ROOT_DEFAULT
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, SL_ROOT_DEFAULT))


def sl_starlake():
    """The Starlake executable on this worker."""
    return os.environ.get("SL_STARLAKE_PATH") or ${starlakeDefault}
`;
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
