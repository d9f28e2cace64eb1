import { type Node, PipelineBuilder } from "../builder/pipeline-builder.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { joinId, sanitizeId } from "../pipeline/ids.js";
import type { Pipeline, PreloadStrategy } from "../pipeline/pipeline.js";
import type { LoadDomain, LoadTable } from "../project/project.js";
import { SENTINEL_SCOPE_TOKEN } from "../starlake/preload-outcome.js";
import type { FileGroup } from "./file-groups.js";
import { frame } from "./frame.js";
import { type LoadAreas, loadAreas, loadRecovery } from "./load-recovery.js";
import { type PipelineSettings, pipelineSettings } from "./pipeline-settings.js";
import { preloadSensor } from "./preload-sensor.js";
import type { ScheduleRef } from "./schedule-ref.js";
import type { TemplateKind } from "./template-kind.js";

/** A table with what compile resolved for it. */
export interface LoadItem {
  readonly domain: LoadDomain;
  readonly table: LoadTable;
  readonly schedule?: ScheduleRef;
}

/**
 * One pipeline per schedule of each load file (spec §1.3): start, then per domain a group holding
 * the pre-load group (check, then stage for `imported`) and the load group, then end.
 */
export function loadPipelines(
  group: FileGroup<LoadItem>,
  template: TemplateKind,
  env: Readonly<Record<string, string | undefined>>,
  diagnostics: Diagnostic[],
): Pipeline[] {
  const bySchedule = new Map<string, LoadItem[]>();
  for (const item of group.items) {
    const key = item.schedule?.name ?? "none";
    bySchedule.set(key, [...(bySchedule.get(key) ?? []), item]);
  }
  const several = bySchedule.size > 1;
  return [...bySchedule.keys()].sort().flatMap((name) => {
    const items = bySchedule.get(name) as LoadItem[];
    const schedule = items[0]?.schedule;
    const id = several ? `${group.fileId}_${sanitizeId(name.toLowerCase())}` : group.fileId;
    const vars = { ...group.vars, schedule: name };
    const settings = pipelineSettings(
      { config: group.config, template, vars, env, pipelineId: id },
      diagnostics,
    );
    const built = buildLoadPipeline(
      id,
      items,
      schedule,
      several ? name : undefined,
      settings,
      group,
      { areas: loadAreas(settings, env), diagnostics },
    ).tryBuild();
    diagnostics.push(...built.diagnostics.map((d) => ({ ...d, ...group.config.filename.at })));
    return built.pipeline ? [built.pipeline] : [];
  });
}

/** Where the loads' files are, and where a table whose files cannot be returned is reported. */
interface Recovery {
  readonly areas: LoadAreas;
  readonly diagnostics: Diagnostic[];
}

function buildLoadPipeline(
  id: string,
  items: readonly LoadItem[],
  schedule: ScheduleRef | undefined,
  suffix: string | undefined,
  s: PipelineSettings,
  group: FileGroup<LoadItem>,
  recovery: Recovery,
): PipelineBuilder {
  const domains = [...new Set(items.map((i) => i.domain))].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const b = new PipelineBuilder({
    id,
    kind: "load",
    description: s.description,
    tags: [...s.tags, ...domains.map((d) => d.name)],
    schedule: schedule
      ? { kind: "cron", cron: schedule.cron, timezone: s.timezone, name: schedule.name }
      : { kind: "manual" },
    catchup: false,
    ...(s.startDate ? { startDate: s.startDate } : {}),
    ...(s.endDate ? { endDate: s.endDate } : {}),
    timezone: s.timezone,
    maxActiveRuns: s.maxActiveRuns,
    defaults: s.defaults,
    environment: s.environment,
    source: { config: group.config.name, file: group.file, template: group.config.template.value },
    options: s.options,
  });
  if (!recovery.areas.local)
    b.note(`a failed load's files stay in Starlake's ingesting folder: ${recovery.areas.why}`);
  frame(b, s, () => {
    const groups = domains.map((domain) => {
      const tables = items.filter((i) => i.domain === domain).map((i) => i.table);
      return domainGroup(b, domain, tables, suffix, s, recovery);
    });
    return { first: groups, last: groups };
  });
  return b;
}

function domainGroup(
  b: PipelineBuilder,
  domain: LoadDomain,
  tables: readonly LoadTable[],
  suffix: string | undefined,
  s: PipelineSettings,
  recovery: Recovery,
): Node {
  const name = suffix ? joinId(domain.name, suffix) : sanitizeId(domain.name);
  const strategy = s.options.pre_load_strategy as PreloadStrategy;
  const tableNames = tables.map((t) => t.name).sort();
  const sensor = preloadSensor(strategy, s.options);
  return b.group(name, "domain", () => {
    const loads = b.group(joinId("load", name), "load", () => {
      for (const t of tables) {
        const recover = loadRecovery(domain.name, t, recovery.areas, recovery.diagnostics);
        b.load({
          domain: domain.name,
          table: t.name,
          ...(t.freshness ? { freshness: t.freshness } : {}),
          ...(recover ? { recover } : {}),
        });
      }
    });
    if (strategy === "none") return;
    b.group(joinId("pre_load", name), "preload", () => {
      const check = b.preload({
        domain: domain.name,
        tables: tableNames,
        strategy,
        ackFile:
          (s.options.global_ack_file_path as string | null) ??
          `${s.datasetsRoot}/pending/${domain.name}/${domain.name}.ack`,
        ...(sensor ? { sensor } : {}),
        ...(typeof s.options.pre_load_not_ready_sentinel_path === "string"
          ? {
              sentinel: `${s.options.pre_load_not_ready_sentinel_path.replace(/\/+$/, "")}/${domain.name}/${SENTINEL_SCOPE_TOKEN}.notready`,
            }
          : {}),
      }) as Node;
      if (strategy === "imported")
        check.before(
          b.stage({ domain: domain.name, tables: tableNames, id: joinId("stage", name) }),
        );
    }).before(loads);
  });
}
