import { starlakePathOf } from "../../pipeline/environment.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import type { ArgPiece } from "../../starlake/run-placeholders.js";
import { code, type PyValue, pyString } from "../python/literal.js";
import { type Piece, relativeToRoot, rootPieces, withRoot } from "../python/worker-root.js";

/**
 * The generate-time SL_ROOT of a pipeline: where its values name the project folder. None in a
 * cloud environment, whose paths name the project where the job runs and are kept as written.
 */
export function generatedRoot(p: Pipeline): string {
  return p.environment.kind === "shell" ? p.environment.slRoot : "";
}

/**
 * Where a pipeline's commands run and what they call, as data for the runtime: the default
 * project folder (`rootDefault`, else the pipeline's SL_ROOT; a worker's SL_ROOT wins, see
 * runtime/worker_paths.py), its Starlake variables and its Starlake executable (a worker's
 * SL_STARLAKE_PATH wins), with the generate-time root as a root piece.
 */
export function pathsData(p: Pipeline, rootDefault: string | undefined): Record<string, PyValue> {
  const root = generatedRoot(p);
  return {
    root: rootDefault ?? p.environment.slRoot,
    env: Object.fromEntries(
      Object.entries(p.environment.env).map(([k, v]) => [k, word(rootPieces(v, root))]),
    ),
    starlake: word(rootPieces(starlakePathOf(p.environment), root)),
  };
}

/** An argument (or a sentinel path) with the generate-time root as a root piece, as data. */
export function rootedWord(p: Pipeline, pieces: readonly ArgPiece[]): PyValue {
  return word(withRoot(pieces, generatedRoot(p)));
}

/** A folder of a load's recovery, relative to the generate-time root when under it. */
export function rootedFolder(p: Pipeline, path: string): string {
  return relativeToRoot(path, generatedRoot(p));
}

/** An argument as a string, or as pieces where `("scheduled",)` stands for a run value. */
function word(pieces: readonly Piece[]): PyValue {
  if (pieces.every((x) => typeof x === "string")) return pieces.join("");
  return pieces.map((x) => (typeof x === "string" ? x : code(`(${pyString(x.value)},)`)));
}
