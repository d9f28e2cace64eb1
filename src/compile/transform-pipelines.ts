import { type Node, PipelineBuilder } from "../builder/pipeline-builder.js";
import { mostFrequentCron } from "../pipeline/cron.js";
import type { Dataset } from "../pipeline/dataset.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { upstreamClosure } from "../pipeline/graph.js";
import { joinId, sanitizeId } from "../pipeline/ids.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Schedule } from "../pipeline/schedule.js";
import type { Transform } from "../project/project.js";
import type { FileGroup } from "./file-groups.js";
import { frame } from "./frame.js";
import { type LoadAreas, loadAreas, loadRecovery } from "./load-recovery.js";
import { pipelineSettings } from "./pipeline-settings.js";
import type { ScheduleRef } from "./schedule-ref.js";
import type { TemplateKind } from "./template-kind.js";
import { strategySource, type Trigger, triggerOf } from "./trigger-strategy.js";
import type { DatasetCatalog } from "./upstream-datasets.js";

export interface TransformItem {
  readonly transform: Transform;
  readonly schedule?: ScheduleRef;
}

/**
 * One pipeline per transform file (spec §1.4). Without `run_dependencies_first` it holds the
 * file's tasks and waits for their other inputs as datasets (or runs on the file's cron). With it,
 * it also runs every upstream transform and load, to full depth (the Python library stops after
 * two levels).
 */
export function transformPipeline(
  group: FileGroup<TransformItem>,
  template: TemplateKind,
  catalog: DatasetCatalog,
  env: Readonly<Record<string, string | undefined>>,
  diagnostics: Diagnostic[],
): Pipeline | undefined {
  const id = group.fileId;
  const crons = new Map(group.items.flatMap((i) => (i.schedule ? [[i.schedule.cron, i]] : [])));
  if (crons.size > 1 || (crons.size === 1 && group.items.some((i) => i.schedule === undefined))) {
    const list = group.items
      .map((i) => `${i.transform.fullName} (${i.schedule?.name ?? "no schedule"})`)
      .join(", ");
    diagnostics.push(
      diagnosticAt(
        group.config.filename.at,
        "error",
        "mixed_schedules",
        `file ${group.file} holds transforms with different schedules: ${list}; expected one schedule per file (add {{schedule}} or {{task}} to the filename)`,
      ),
    );
    return undefined;
  }
  const schedule = group.items.find((i) => i.schedule)?.schedule;
  const s = pipelineSettings(
    {
      config: group.config,
      template,
      vars: { ...group.vars, ...(schedule ? { schedule: schedule.name } : {}) },
      env,
      pipelineId: id,
    },
    diagnostics,
  );
  const runDependenciesFirst = s.options.run_dependencies_first === true;
  const own = new Set(group.items.map((i) => i.transform.fullName));
  const members = runDependenciesFirst ? closure(own, catalog) : own;
  const outside = upstreamDatasets(members, catalog, runDependenciesFirst);
  const waits = schedule === undefined && !runDependenciesFirst && outside.length > 0;
  const option = {
    value: s.options.dataset_triggering_strategy as string,
    at: group.config.options.get("dataset_triggering_strategy")?.at,
  };
  const tasks = group.items.map((i) => i.transform);
  const source = strategySource(tasks, option, id, waits, diagnostics);
  const trigger = waits && source ? triggerOf(source, outside, id, diagnostics) : undefined;
  if (waits && trigger === undefined) return undefined;
  const pipelineSchedule = scheduleOf(schedule, s.timezone, trigger);
  const inputCrons = outside.map((d) => d.cron);
  const dataCron =
    schedule?.cron ??
    (inputCrons.length > 0 && inputCrons.every((c): c is string => c !== undefined)
      ? mostFrequentCron(inputCrons)
      : undefined);
  const b = new PipelineBuilder({
    id,
    kind: "transform",
    description: s.description,
    tags: s.tags,
    schedule: pipelineSchedule,
    ...(dataCron ? { dataCron } : {}),
    catchup: schedule !== undefined && s.options.catchup === true,
    ...(s.startDate ? { startDate: s.startDate } : {}),
    ...(s.endDate ? { endDate: s.endDate } : {}),
    timezone: s.timezone,
    maxActiveRuns: pipelineSchedule.kind === "datasets" ? 1 : s.maxActiveRuns,
    defaults: s.defaults,
    environment: s.environment,
    source: { config: group.config.name, file: group.file, template: group.config.template.value },
    options: s.options,
  });
  if (pipelineSchedule.kind === "datasets") for (const d of outside) b.consumes(d);
  const recovery = { areas: loadAreas(s, env), diagnostics };
  frame(b, s, () =>
    body(b, [...members].sort(), catalog, runDependenciesFirst, dataCron, recovery),
  );
  if (runDependenciesFirst && schedule === undefined)
    b.note(
      "run_dependencies_first without a schedule: the pipeline runs only when triggered by hand",
    );
  const built = b.tryBuild();
  diagnostics.push(...built.diagnostics.map((d) => ({ ...group.config.filename.at, ...d })));
  return built.pipeline;
}

function closure(own: ReadonlySet<string>, catalog: DatasetCatalog): Set<string> {
  return upstreamClosure(own, (n) =>
    (catalog.transform(n)?.upstream ?? []).flatMap((u) => (u.kind === "transform" ? [u.name] : [])),
  );
}

/** Inputs not produced inside the pipeline, sorted by URI. */
function upstreamDatasets(
  members: ReadonlySet<string>,
  catalog: DatasetCatalog,
  runDependenciesFirst: boolean,
): Dataset[] {
  const out = new Map<string, Dataset>();
  for (const name of members) {
    for (const u of catalog.transform(name)?.upstream ?? []) {
      if (u.kind === "transform" && members.has(u.name)) continue;
      if (u.kind === "table" && runDependenciesFirst) continue;
      const d = catalog.dataset(u);
      out.set(d.uri, d);
    }
  }
  return [...out.values()].sort((a, b) => a.uri.localeCompare(b.uri));
}

function scheduleOf(
  schedule: ScheduleRef | undefined,
  timezone: string,
  trigger: Trigger | undefined,
): Schedule {
  if (schedule) return { kind: "cron", cron: schedule.cron, timezone, name: schedule.name };
  if (trigger === undefined) return { kind: "manual" };
  return { kind: "datasets", ...trigger };
}

function body(
  b: PipelineBuilder,
  members: readonly string[],
  catalog: DatasetCatalog,
  runDependenciesFirst: boolean,
  dataCron: string | undefined,
  recovery: { readonly areas: LoadAreas; readonly diagnostics: Diagnostic[] },
) {
  const nodes = new Map<string, Node>();
  const hasDownstream = new Set<string>();
  const hasUpstream = new Set<string>();
  const loadNode = (domain: string, table: string): Node => {
    const key = `table:${domain}.${table}`;
    const known = nodes.get(key);
    if (known) return known;
    const item = catalog.table(domain, table);
    const recover = item && loadRecovery(domain, item.table, recovery.areas, recovery.diagnostics);
    const node = b.load({
      domain,
      table,
      id: joinId("load", domain, table),
      ...(item?.schedule ? { cron: item.schedule.cron } : {}),
      ...(item?.table.freshness ? { freshness: item.table.freshness } : {}),
      ...(recover ? { recover } : {}),
    });
    nodes.set(key, node);
    return node;
  };
  for (const name of members) {
    const t = catalog.transform(name) as Transform;
    const cron = catalog.transformCron(name) ?? dataCron;
    const task = b.transform({
      name,
      sink: `${t.domain}.${t.table}`,
      id: sanitizeId(name),
      ...(cron ? { cron } : {}),
      ...(t.freshness ? { freshness: t.freshness } : {}),
    });
    nodes.set(`transform:${name}`, task);
  }
  for (const name of members) {
    const t = catalog.transform(name) as Transform;
    const node = nodes.get(`transform:${name}`) as Node;
    for (const u of t.upstream) {
      const up =
        u.kind === "transform"
          ? nodes.get(`transform:${u.name}`)
          : runDependenciesFirst
            ? loadNode(u.domain, u.table)
            : undefined;
      if (up === undefined) continue;
      up.before(node);
      hasDownstream.add(up.id);
      hasUpstream.add(node.id);
    }
  }
  const all = [...nodes.values()];
  return {
    first: all.filter((n) => !hasUpstream.has(n.id)),
    last: all.filter((n) => !hasDownstream.has(n.id)),
  };
}
