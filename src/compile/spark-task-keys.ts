import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { DagConfig } from "../project/project.js";
import { closest } from "../util/suggest.js";

/**
 * `spark_task_properties` keys are task ids: one that names no task of the dag config's
 * pipelines would be dropped without a word (a typo, a renamed table). A warning at the option.
 */
export function unknownSparkTasks(
  pipelines: readonly Pipeline[],
  configs: ReadonlyMap<string, DagConfig>,
): Diagnostic[] {
  const tasks = new Map<string, Set<string>>();
  const keys = new Map<string, readonly string[]>();
  for (const p of pipelines) {
    const config = p.source?.config;
    if (config === undefined || p.environment.kind !== "dataproc") continue;
    const ids = tasks.get(config) ?? new Set<string>();
    for (const t of p.tasks) ids.add(t.id);
    tasks.set(config, ids);
    keys.set(config, Object.keys(p.environment.spark.taskProperties));
  }
  const out: Diagnostic[] = [];
  for (const [config, names] of keys) {
    const ids = tasks.get(config) ?? new Set<string>();
    for (const key of names) {
      if (ids.has(key)) continue;
      const meant = closest(key, ids);
      out.push(
        diagnosticAt(
          configs.get(config)?.options.get("spark_task_properties")?.at,
          "warning",
          "unknown_task",
          `option spark_task_properties: ${key} is no task of dag config ${config}${meant ? `; did you mean ${meant}?` : ""}; its properties are not used`,
        ),
      );
    }
  }
  return out;
}
