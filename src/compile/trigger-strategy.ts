import { type Dataset, datasetUri } from "../pipeline/dataset.js";
import { type Diagnostic, diagnosticAt, type Place } from "../pipeline/diagnostic.js";
import type { TriggerExpression, TriggerStrategy } from "../pipeline/schedule.js";
import { conditionDatasets } from "../pipeline/trigger-condition.js";
import type { Transform } from "../project/project.js";
import { parseOptionValue } from "../starlake/option-value.js";
import { type NameTree, parseTriggerExpression } from "../starlake/trigger-expression.js";

/** What a dataset-triggered pipeline waits for: the datasets it watches and how they combine. */
export interface Trigger {
  readonly datasets: readonly string[];
  readonly strategy: TriggerStrategy;
}

/** Where a pipeline's `dataset_triggering_strategy` was written, already checked for syntax. */
export interface StrategySource {
  readonly value: string;
  readonly at: Place | undefined;
  /** How messages name it: `option dataset_triggering_strategy`, `task d.t: dataset_triggering_strategy`. */
  readonly what: string;
}

/**
 * The strategy of a pipeline: its tasks' own `dataset_triggering_strategy` (Starlake's task
 * attribute, also a `_config.sl.yml` default), else the dag config option. A task value that is
 * not `any`, `all` or an expression is an error whether or not the pipeline waits for datasets
 * (as a bad option is); tasks of one pipeline that set different ones are an error when it does
 * (a pipeline has one trigger). `undefined` after an error.
 */
export function strategySource(
  tasks: readonly Transform[],
  option: { readonly value: string; readonly at: Place | undefined },
  pipelineId: string,
  waits: boolean,
  diagnostics: Diagnostic[],
): StrategySource | undefined {
  const own: Array<{ task: Transform; value: string; at: Place | undefined }> = [];
  for (const task of tasks) {
    if (task.triggeringStrategy === undefined) continue;
    const { value, at } = task.triggeringStrategy;
    const parsed = parseOptionValue(value, { kind: "trigger" });
    if (parsed.ok) own.push({ task, value: parsed.value as string, at });
    else
      diagnostics.push(
        diagnosticAt(
          at,
          "error",
          "invalid_value",
          `task ${task.fullName}: dataset_triggering_strategy: invalid value ${JSON.stringify(value)}; expected ${parsed.expected}`,
        ),
      );
  }
  if (own.length < tasks.filter((t) => t.triggeringStrategy !== undefined).length) return undefined;
  const first = own[0];
  if (first === undefined) {
    const origin =
      option.at === undefined ? " (from environment variable dataset_triggering_strategy)" : "";
    return { ...option, what: `option dataset_triggering_strategy${origin}` };
  }
  if (new Set(own.map((o) => o.value)).size > 1) {
    if (waits) {
      const list = own.map((o) => `${o.task.fullName} (${o.value})`).join(", ");
      diagnostics.push(
        diagnosticAt(
          first.at,
          "error",
          "mixed_triggering_strategies",
          `pipeline ${pipelineId} holds tasks with different dataset_triggering_strategy: ${list}; expected one per pipeline (add {{task}} to the dag config's filename)`,
        ),
      );
    }
    return undefined;
  }
  return {
    value: first.value,
    at: first.at,
    what: `task ${first.task.fullName}: dataset_triggering_strategy`,
  };
}

/**
 * Reads the strategy for one pipeline. `any` and `all` watch every upstream. An expression names
 * upstreams (matched as `nameMatches` says) and watches only those: an upstream it leaves out is
 * still an input of the pipeline but its events do not trigger runs, as in Airflow, where the
 * expression is the whole `schedule=`. A name that is not an upstream of this pipeline, or that
 * names several, is an error at the place the strategy was written; `undefined` then.
 */
export function triggerOf(
  source: StrategySource,
  upstreams: readonly Dataset[],
  pipelineId: string,
  diagnostics: Diagnostic[],
): Trigger | undefined {
  const { value, at } = source;
  const all = upstreams.map((d) => d.uri);
  if (value === "any" || value === "all") return { datasets: all, strategy: value };
  const parsed = parseTriggerExpression(value);
  // the syntax was checked where the value was read (an error there keeps the default)
  if (!parsed.ok) return { datasets: all, strategy: "any" };
  let failed = false;
  const resolve = (t: NameTree): TriggerExpression => {
    if (t.kind !== "name") return { kind: t.kind, of: t.of.map(resolve) };
    const found = nameMatches(t.name, upstreams);
    if (found.length === 1) return { kind: "dataset", uri: (found[0] as Dataset).uri };
    failed = true;
    const where = `${source.what}: ${JSON.stringify(t.name)} at character ${t.at + 1}`;
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
