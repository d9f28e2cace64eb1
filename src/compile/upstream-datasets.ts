import { mostFrequentCron } from "../pipeline/cron.js";
import { type Dataset, datasetUri } from "../pipeline/dataset.js";
import type { Transform, Upstream } from "../project/project.js";
import type { LoadItem } from "./load-pipelines.js";
import type { ScheduleRef } from "./schedule-ref.js";

/**
 * Datasets of the project seen from a consumer: loads carry their schedule's cron, transforms
 * their own cron or, when every input has one, the most frequent input cron (spec §2.9
 * `computed_cron`, without the Python quirk that invents a cron from `now + freshness`).
 */
export class DatasetCatalog {
  private readonly tables = new Map<string, LoadItem>();
  private readonly transforms = new Map<string, Transform>();
  private readonly schedules: ReadonlyMap<string, ScheduleRef | undefined>;
  private readonly crons = new Map<string, string | undefined>();

  constructor(
    loads: readonly LoadItem[],
    transforms: readonly Transform[],
    transformSchedules: ReadonlyMap<string, ScheduleRef | undefined>,
  ) {
    for (const l of loads) this.tables.set(`${l.domain.name}.${l.table.name}`, l);
    for (const t of transforms) this.transforms.set(t.fullName, t);
    this.schedules = transformSchedules;
  }

  transform(name: string): Transform | undefined {
    return this.transforms.get(name);
  }

  table(domain: string, table: string): LoadItem | undefined {
    return this.tables.get(`${domain}.${table}`);
  }

  /** The dataset an upstream reference stands for. */
  dataset(u: Upstream): Dataset {
    if (u.kind === "table") {
      const item = this.table(u.domain, u.table);
      const name = `${u.domain}.${u.table}`;
      return {
        name,
        uri: datasetUri(name),
        kind: "load",
        ...(item?.schedule ? { cron: item.schedule.cron } : {}),
        ...(item?.table.freshness ? { freshness: item.table.freshness } : {}),
      };
    }
    const t = this.transforms.get(u.name) as Transform;
    const cron = this.transformCron(u.name);
    return {
      name: t.fullName,
      uri: transformUri(t),
      kind: "transform",
      ...(cron ? { cron } : {}),
      ...(t.freshness ? { freshness: t.freshness } : {}),
    };
  }

  /** The cron a transform runs on: its schedule, else the most frequent of its inputs when all have one. */
  transformCron(name: string): string | undefined {
    if (this.crons.has(name)) return this.crons.get(name);
    this.crons.set(name, undefined); // cycles are reported elsewhere; this stops recursion
    const own = this.schedules.get(name)?.cron;
    const t = this.transforms.get(name);
    let cron = own;
    if (cron === undefined && t !== undefined && t.upstream.length > 0) {
      const inputs = t.upstream.map((u) => this.dataset(u).cron);
      if (inputs.every((c): c is string => c !== undefined)) cron = mostFrequentCron(inputs);
    }
    this.crons.set(name, cron);
    return cron;
  }
}

/** A transform publishes its target table: `domain.table`. */
function transformUri(t: Transform): string {
  return datasetUri(`${t.domain}.${t.table}`);
}
