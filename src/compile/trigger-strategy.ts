import { type Dataset, datasetUri } from "../pipeline/dataset.js";
import { type Diagnostic, diagnosticAt, type Place } from "../pipeline/diagnostic.js";
import type { TriggerExpression, TriggerStrategy } from "../pipeline/schedule.js";
import { conditionDatasets } from "../pipeline/trigger-condition.js";
import { type NameTree, parseTriggerExpression } from "../starlake/trigger-expression.js";

/** What a dataset-triggered pipeline waits for: the datasets it watches and how they combine. */
export interface Trigger {
  readonly datasets: readonly string[];
  readonly strategy: TriggerStrategy;
}

/**
 * Reads `dataset_triggering_strategy` for one pipeline. `any` and `all` watch every upstream. An
 * expression names upstreams (matched as `nameMatches` says) and watches only those: an upstream
 * it leaves out is still an input of the pipeline but its events do not trigger runs, as in
 * Airflow, where the expression is the whole `schedule=`. A name that is not an upstream of this
 * pipeline, or that names several, is an error at the option's place; `undefined` then.
 */
export function triggerOf(
  value: string,
  upstreams: readonly Dataset[],
  pipelineId: string,
  at: Place | undefined,
  diagnostics: Diagnostic[],
): Trigger | undefined {
  const all = upstreams.map((d) => d.uri);
  if (value === "any" || value === "all") return { datasets: all, strategy: value };
  const parsed = parseTriggerExpression(value);
  // resolveOptions already reported a syntax error and kept the default
  if (!parsed.ok) return { datasets: all, strategy: "any" };
  const origin = at === undefined ? " (from environment variable dataset_triggering_strategy)" : "";
  let failed = false;
  const resolve = (t: NameTree): TriggerExpression => {
    if (t.kind !== "name") return { kind: t.kind, of: t.of.map(resolve) };
    const found = nameMatches(t.name, upstreams);
    if (found.length === 1) return { kind: "dataset", uri: (found[0] as Dataset).uri };
    failed = true;
    const where = `option dataset_triggering_strategy${origin}: ${JSON.stringify(t.name)} at character ${t.at + 1}`;
    diagnostics.push(
      diagnosticAt(
        at,
        "error",
        found.length === 0 ? "unknown_trigger_dataset" : "ambiguous_trigger_dataset",
        found.length === 0
          ? `${where} is not an upstream dataset of pipeline ${pipelineId}; expected one of ${listed(upstreams)}`
          : `${where} names ${found.length} upstream datasets of pipeline ${pipelineId} (${listed(found)}); expected domain.table`,
      ),
    );
    return { kind: "dataset", uri: "" };
  };
  const strategy = resolve(parsed.tree);
  return failed ? undefined : { datasets: conditionDatasets(strategy), strategy };
}

/**
 * The upstreams a written name stands for, case-insensitively: its Starlake name (`domain.table`
 * of a load, `domain.task` of a transform), the table it writes or its asset name (`domain_table`,
 * what Airflow and Dagster show); else, for a name without a dot, the upstreams whose table or
 * task has that name (Starlake resolves a one-part SQL reference the same way).
 */
export function nameMatches(name: string, upstreams: readonly Dataset[]): Dataset[] {
  const lower = name.toLowerCase();
  // `domain.table` of a transform's target: its URI is made from it (spec §2.7)
  const sink = name.includes(".") ? datasetUri(name) : undefined;
  const exact = upstreams.filter(
    (d) => d.name.toLowerCase() === lower || d.uri === lower || d.uri === sink,
  );
  if (exact.length > 0 || name.includes(".")) return exact;
  return upstreams.filter((d) => d.name.toLowerCase().split(".").at(-1) === lower);
}

function listed(ds: readonly Dataset[]): string {
  const names = ds.map((d) => d.name).sort();
  return names.length <= 10
    ? names.join(", ")
    : `${names.slice(0, 10).join(", ")} and ${names.length - 10} more`;
}
