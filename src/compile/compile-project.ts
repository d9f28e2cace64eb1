import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt, sortDiagnostics } from "../pipeline/diagnostic.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { DagConfig, LoadTable, Located, Project, Transform } from "../project/project.js";
import { closest } from "../util/suggest.js";
import { datasetCollisions } from "./dataset-collisions.js";
import { duckdbPool, oneWriterPerDuckdbFile } from "./duckdb-writers.js";
import { type FileGroup, groupByFile, type Member } from "./file-groups.js";
import { type LoadItem, loadPipelines } from "./load-pipelines.js";
import { nameDiagnostics } from "./name-checks.js";
import { resolveSchedule, type ScheduleRef } from "./schedule-ref.js";
import { noteSharedWork } from "./shared-work.js";
import { unknownSparkTasks } from "./spark-task-keys.js";
import { kindFor, type TemplateKind } from "./template-kind.js";
import { templateNameProblems } from "./template-names.js";
import { type TransformItem, transformPipeline } from "./transform-pipelines.js";
import { DatasetCatalog } from "./upstream-datasets.js";

export interface CompileOptions {
  /** Consulted for options a dag config does not set (the CLI passes the process environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Only these tables and transforms become tasks (`--tags`, `--domains`, `--tasks`), as
   * `starlake dag-generate --tags` filters them before grouping; the others still count for
   * lineage and schedules, so a selected transform keeps its triggers.
   */
  readonly only?: {
    readonly load: (table: LoadTable) => boolean;
    readonly transform: (transform: Transform) => boolean;
  };
}

export interface CompileResult {
  /** Sorted by id. */
  readonly pipelines: readonly Pipeline[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Compiles a project into pipelines: dag configs group tables and transforms into files (spec §7.2). */
export function compileProject(project: Project, options: CompileOptions = {}): CompileResult {
  // A plain copy: process.env is slow to read, and it is read for every pipeline's options.
  const env = { ...(options.env ?? {}) };
  const diagnostics: Diagnostic[] = [];
  const configs = new Map(project.dagConfigs.map((c) => [c.name, c]));
  // Only configs that a table or task references are checked, for the kind of their referrer.
  const badRefs = new Set<string>();
  const kinds = {
    load: new Map<string, TemplateKind>(),
    transform: new Map<string, TemplateKind>(),
  };
  const projectId = project.vars.sl_project_id ?? "-1";
  const pick = (
    ref: Located<string> | undefined,
    what: string,
    file: string,
    expected: "load" | "transform",
  ): DagConfig | undefined => {
    if (ref === undefined) {
      diagnostics.push({
        code: "no_dag_ref",
        severity: "warning",
        message: `${what} has no dagRef (table, domain or application level); it is not orchestrated`,
        file,
      });
      return undefined;
    }
    // One line per place for a bad dagRef: every table inheriting it would repeat it.
    const place = `${ref.at.file}:${ref.at.line}:${ref.at.col}`;
    if (badRefs.has(place)) return undefined;
    if (ref.value === "") {
      badRefs.add(place);
      const message = `${what}: dagRef is empty once rendered (does it use an undefined variable?); expected the name of a file of metadata/dags/`;
      diagnostics.push(diagnosticAt(ref.at, "error", "empty_dag_ref", message));
      return undefined;
    }
    const config = configs.get(ref.value);
    if (config === undefined) {
      badRefs.add(place);
      const meant = closest(ref.value, configs.keys());
      const hint = meant
        ? `; did you mean ${meant}?`
        : configs.size > 0
          ? `; expected one of ${[...configs.keys()].sort().join(", ")}`
          : "; metadata/dags/ has no dag config";
      diagnostics.push(
        diagnosticAt(
          ref.at,
          "error",
          "unknown_dag_ref",
          `${what}: dagRef ${JSON.stringify(ref.value)} names no file metadata/dags/${ref.value}.sl.yml${hint}`,
        ),
      );
      return undefined;
    }
    const known = kinds[expected].get(config.name);
    if (known !== undefined) return config;
    const resolved = kindFor(config.template.value, [...config.options.keys()], expected);
    if (resolved.mismatch && resolved.note) {
      const message = `${what}: dagRef ${config.name}: ${resolved.note}`;
      diagnostics.push(diagnosticAt(ref.at, "warning", "wrong_dag_kind", message));
    } else if (resolved.note) {
      diagnostics.push(
        diagnosticAt(config.template.at, "warning", "custom_template", resolved.note),
      );
    }
    kinds[expected].set(config.name, resolved.kind);
    return config;
  };

  // The application's dagRefs are references too, used by a table or not (as starlake validate
  // checks them): the config must exist and its template count among the orchestrators. First,
  // so that a problem with one is reported at the application, not at a table inheriting it.
  const app = project.application;
  const appFile = app.dagRefLoad?.at.file ?? app.dagRefTransform?.at.file ?? "";
  if (app.dagRefLoad) pick(app.dagRefLoad, "application dagRef.load", appFile, "load");
  if (app.dagRefTransform)
    pick(app.dagRefTransform, "application dagRef.transform", appFile, "transform");
  const loadMembers: Member<LoadItem>[] = [];
  const allLoads: LoadItem[] = [];
  for (const domain of project.domains) {
    for (const table of domain.tables) {
      const schedule = resolveSchedule(
        table.schedule,
        project.application.schedulePresets,
        diagnostics,
      );
      const item: LoadItem = { domain, table, ...(schedule ? { schedule } : {}) };
      allLoads.push(item);
      const config = pick(table.dagRef, `table ${domain.name}.${table.name}`, table.file, "load");
      if (config === undefined || options.only?.load(table) === false) continue;
      diagnostics.push(...nameDiagnostics({ domain, table }));
      loadMembers.push({ item, config, vars: loadVars(item, projectId) });
    }
  }

  const transformSchedules = new Map<string, ScheduleRef | undefined>();
  const transformMembers: Member<TransformItem>[] = [];
  for (const transform of project.transforms) {
    const schedule = resolveSchedule(
      transform.schedule,
      project.application.schedulePresets,
      diagnostics,
    );
    transformSchedules.set(transform.fullName, schedule);
    const config = pick(
      transform.dagRef,
      `transform ${transform.fullName}`,
      transform.file ?? transform.sqlFile ?? "",
      "transform",
    );
    if (config === undefined || options.only?.transform(transform) === false) continue;
    diagnostics.push(...nameDiagnostics({ transform }));
    // As Starlake's dag-generate: `task` (and the deprecated `name`) is the full `domain.task`;
    // `table` is what a file per task usually wants. No schedule renders as "None".
    const vars = {
      domain: transform.domain,
      task: transform.fullName,
      name: transform.fullName,
      table: transform.table,
      schedule: schedule?.name ?? "None",
      sl_project_id: projectId,
    };
    transformMembers.push({ item: { transform, ...(schedule ? { schedule } : {}) }, config, vars });
  }

  const referenced = [...kinds.load.keys(), ...kinds.transform.keys()].map(
    (name) => configs.get(name) as DagConfig,
  );
  diagnostics.push(...templateNameProblems(referenced));
  const loadGroups = groupByFile(loadMembers, project.vars, diagnostics);
  const transformGroups = groupByFile(transformMembers, project.vars, diagnostics);
  diagnostics.push(...fileCollisions([...loadGroups, ...transformGroups]));
  diagnostics.push(...datasetCollisions(project));
  const catalog = new DatasetCatalog(allLoads, project.transforms, transformSchedules);
  const pipelines: Pipeline[] = [];
  for (const g of loadGroups)
    pipelines.push(
      ...loadPipelines(g, kinds.load.get(g.config.name) as TemplateKind, env, diagnostics),
    );
  for (const g of transformGroups) {
    const p = transformPipeline(
      g,
      kinds.transform.get(g.config.name) as TemplateKind,
      catalog,
      env,
      diagnostics,
    );
    if (p) pipelines.push(p);
  }
  diagnostics.push(...duplicateIds(pipelines, configs));
  // a selection (--tasks…) leaves tasks out: their keys are not typos
  if (options.only === undefined) diagnostics.push(...unknownSparkTasks(pipelines, configs));
  const sorted = pipelines.sort((a, b) => a.id.localeCompare(b.id));
  const writerPool = duckdbPool(project.application.engine, project.vars.SL_ROOT ?? project.root);
  return {
    pipelines: oneWriterPerDuckdbFile(noteSharedWork(sorted), writerPool),
    diagnostics: dedupe(diagnostics),
  };
}

function loadVars(item: LoadItem, projectId: string): Record<string, string> {
  const { domain, table } = item;
  return {
    schedule: item.schedule?.name ?? "None",
    domain: domain.name,
    finalDomain: domain.finalName,
    renamedDomain: domain.finalName,
    rawDomain: domain.name,
    table: table.name,
    finalTable: table.finalName,
    renamedTable: table.finalName,
    sl_project_id: projectId,
  };
}

/** Two dag configs writing the same file overwrite each other in Starlake: an error here. */
function fileCollisions(groups: readonly FileGroup<unknown>[]): Diagnostic[] {
  const owners = new Map<string, FileGroup<unknown>>();
  const out: Diagnostic[] = [];
  for (const g of groups) {
    const other = owners.get(g.fileId);
    if (other && other.config.name !== g.config.name) {
      out.push(
        diagnosticAt(
          g.config.filename.at,
          "error",
          "filename_collision",
          `dag configs ${other.config.name} and ${g.config.name} both write ${g.file}; expected distinct file names`,
        ),
      );
    }
    owners.set(g.fileId, g);
  }
  return out;
}

function duplicateIds(
  pipelines: readonly Pipeline[],
  configs: ReadonlyMap<string, DagConfig>,
): Diagnostic[] {
  const seen = new Map<string, Pipeline>();
  const out: Diagnostic[] = [];
  for (const p of pipelines) {
    const other = seen.get(p.id);
    const sameFile = (a?: string, b?: string) => a?.toLowerCase() === b?.toLowerCase();
    // Two configs writing one file are already reported as a file name collision.
    if (other && !sameFile(other.source?.file, p.source?.file)) {
      const at = configs.get(p.source?.config ?? "")?.filename.at;
      out.push(
        diagnosticAt(
          at,
          "error",
          "duplicate_pipeline_id",
          `pipeline id ${p.id} comes from both ${other.source?.file} and ${p.source?.file}; expected file names that differ once lower-cased and sanitised`,
        ),
      );
    }
    seen.set(p.id, p);
  }
  return out;
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return sortDiagnostics(ds).filter((d) => {
    const k = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
