import { datasetUri } from "../pipeline/dataset.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import type { Project } from "../project/project.js";

interface Producer {
  /** `domain.table` as written. */
  readonly name: string;
  readonly what: string;
  readonly file?: string;
}

/**
 * Two tables whose names differ but whose dataset URIs are the same (`shop-x.orders` and
 * `shop_x.orders`, or `Shop.Orders` and `shop.orders`) would be one asset to Airflow and Dagster and
 * one dataset to the engine: a run of one would trigger what waits for the other. An error naming
 * both, rather than a guess. A load and a transform writing the very same table name are one
 * dataset on purpose and are not reported.
 */
export function datasetCollisions(project: Project): Diagnostic[] {
  const byUri = new Map<string, Producer[]>();
  const add = (p: Producer) => {
    const uri = datasetUri(p.name);
    const list = byUri.get(uri) ?? [];
    if (!list.some((q) => q.name === p.name)) list.push(p);
    byUri.set(uri, list);
  };
  for (const d of project.domains)
    for (const t of d.tables)
      add({ name: `${t.domain}.${t.name}`, what: `table ${t.domain}.${t.name}`, file: t.file });
  for (const t of project.transforms)
    add({
      name: `${t.domain}.${t.table}`,
      what: `transform ${t.fullName}`,
      file: t.file ?? t.sqlFile,
    });
  const out: Diagnostic[] = [];
  for (const [uri, producers] of [...byUri].sort(([a], [b]) => a.localeCompare(b))) {
    if (producers.length < 2) continue;
    const [first, ...others] = producers;
    for (const other of others) {
      const where = (p: Producer) => `${p.what}${p.file ? ` (${p.file})` : ""}`;
      out.push({
        code: "dataset_collision",
        severity: "error",
        message: `${where(other)} and ${where(first as Producer)} have the same dataset name once sanitised (${uri}); rename one of them`,
        ...(other.file ? { file: other.file } : {}),
      });
    }
  }
  return out;
}
