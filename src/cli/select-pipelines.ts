import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { closest } from "../util/suggest.js";

/** The pipelines named by `--pipeline`, all when none is named; an unknown id is bad input. */
export function selectPipelines(
  pipelines: readonly Pipeline[],
  ids: readonly string[] | undefined,
): Pipeline[] {
  if (ids === undefined || ids.length === 0) return [...pipelines];
  const byId = new Map(pipelines.map((p) => [p.id, p]));
  return ids.map((id) => {
    const p = byId.get(id);
    if (p) return p;
    const meant = closest(id, byId.keys());
    throw new ConfigError(
      `--pipeline ${id}: no such pipeline${meant ? `; did you mean ${meant}?` : `; expected one of ${[...byId.keys()].join(", ")}`}`,
    );
  });
}
