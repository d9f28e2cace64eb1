import type { Project } from "../project/project.js";
import { DatasetCatalog } from "./upstream-datasets.js";

/**
 * The project's lineage by dataset URI: each transform's table → the datasets its SQL reads,
 * sorted, whatever pipelines the transforms end up in. Backends whose asset graph spans the whole
 * project (Dagster's code location) draw it; the pipelines only hold the part they run or wait for.
 */
export function assetLineage(project: Project): ReadonlyMap<string, readonly string[]> {
  const catalog = new DatasetCatalog([], project.transforms, new Map());
  return new Map(
    project.transforms.map((t) => [
      catalog.dataset({ kind: "transform", name: t.fullName }).uri,
      [...new Set(t.upstream.map((u) => catalog.dataset(u).uri))].sort(),
    ]),
  );
}
