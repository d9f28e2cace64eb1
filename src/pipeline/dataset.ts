import { sanitizeId } from "./ids.js";

/** Something a task produces and other pipelines may wait for: a loaded table, a transform's table, a pipeline. */
export interface Dataset {
  /** Starlake name: `domain.table` for loads, `domain.task` for transforms, the pipeline id for pipelines. */
  readonly name: string;
  /** Orchestrator-neutral identity (spec §2.7): the sanitised, lower-cased sink. */
  readonly uri: string;
  readonly kind: DatasetKind;
  /** Cron of the producer, used to align mixed-frequency upstreams. */
  readonly cron?: string;
  /** Seconds after which the data is stale (Starlake `freshness.error`). */
  readonly freshness?: number;
}

export type DatasetKind = "load" | "transform" | "pipeline";

/**
 * The dataset URI rule of spec §2.7: `sanitize(sink).toLowerCase()`.
 * @example datasetUri("Shop.Orders") // "shop_orders"
 */
export function datasetUri(sink: string): string {
  return sanitizeId(sink).toLowerCase();
}
