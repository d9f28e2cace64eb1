import { ConfigError } from "../errors.js";
import { type Dataset, datasetUri } from "../pipeline/dataset.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { findCycle, topologicalOrder } from "../pipeline/graph.js";
import { joinId, sanitizeId } from "../pipeline/ids.js";
import type {
  AirflowSettings,
  ExecutionEnvironment,
  Group,
  GroupKind,
  LoadRecovery,
  Pipeline,
  PipelineKind,
  PipelineSource,
  PreloadGate,
  PreloadStrategy,
  Task,
  TaskDefaults,
  TriggerRule,
} from "../pipeline/pipeline.js";
import type { Schedule } from "../pipeline/schedule.js";
import { conditionProblem } from "../pipeline/trigger-condition.js";
import {
  loadArgv,
  preloadArgv,
  preloadTaskSuffix,
  stageArgv,
  transformArgv,
} from "../starlake/argv.js";
import { expandGroupEdges } from "./group-edges.js";

/** Something that can stand on either side of a dependency: a task or a group. */
export interface Node {
  readonly id: string;
  /** Makes `next` run after this node and returns `next`, so chains read left to right. */
  before<N extends Node | readonly Node[]>(next: N): N;
}

export interface PipelineSettings {
  readonly id: string;
  readonly kind?: PipelineKind;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** A cron string is read in `timezone`; default: manual. */
  readonly schedule?: Schedule | string;
  readonly dataCron?: string;
  readonly catchup?: boolean;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly timezone?: string;
  readonly maxActiveRuns?: number;
  readonly defaults?: Partial<TaskDefaults>;
  readonly environment?: ExecutionEnvironment;
  readonly source?: PipelineSource;
  readonly airflow?: AirflowSettings;
  readonly options?: Readonly<Record<string, string | number | boolean | null>>;
}

type TaskOverrides = Pick<Task, "retries" | "retryDelay" | "pool" | "timeout">;

const SHELL: ExecutionEnvironment = {
  kind: "shell",
  env: {},
  slRoot: ".",
  starlakePath: "starlake",
  includeEnvVars: [],
};

/**
 * Builds a pipeline the way the Python library's job and pipeline objects do (start, preload,
 * stage, load, transform, end, groups, `before` dependencies: `a.before(b)` is `a >> b`), producing the same IR as `compile`.
 * @example
 * const p = new PipelineBuilder({ id: "shop_daily", schedule: "0 2 * * *" });
 * p.start().before(p.load({ domain: "shop", table: "orders" })).before(p.end());
 * const pipeline = p.build();
 */
export class PipelineBuilder {
  private readonly settings: PipelineSettings;
  private readonly tasks: Task[] = [];
  private readonly groups: Group[] = [];
  private readonly members = new Map<string, string[]>(); // group id -> direct task and group ids
  private readonly links: Array<[string, string]> = [];
  private readonly datasets = new Map<string, Dataset>();
  private readonly notes: string[] = [];
  private readonly problems: Diagnostic[] = [];
  private readonly groupStack: string[] = [];

  constructor(settings: PipelineSettings) {
    this.settings = settings;
  }

  /** The id of the pipeline. */
  get id(): string {
    return this.settings.id;
  }

  start(id = "start"): Node {
    return this.task({ id, kind: "start", trigger: "all_success" });
  }

  /** The last task; it publishes a dataset named after the pipeline and runs when no upstream failed. */
  end(id = "end"): Node {
    const uri = datasetUri(this.settings.id);
    const cron = this.settings.dataCron ?? cronOf(this.settings).cron;
    this.addDataset({ name: this.settings.id, uri, kind: "pipeline", ...(cron ? { cron } : {}) });
    return this.task({ id, kind: "end", trigger: "none_failed_min_one_success", produces: uri });
  }

  empty(id: string, trigger: TriggerRule = "all_success"): Node {
    return this.task({ id, kind: "empty", trigger });
  }

  pre(id: string, command?: readonly string[]): Node {
    return this.task({ id, kind: "pre", trigger: "all_success", ...(command ? { command } : {}) });
  }

  /** Clean-up work (a cluster to delete): runs whatever its upstreams did. */
  post(id: string, command?: readonly string[]): Node {
    return this.task({ id, kind: "post", trigger: "all_done", ...(command ? { command } : {}) });
  }

  /** The pre-load check of a domain; `none` creates nothing and returns undefined. */
  preload(p: {
    domain: string;
    tables: readonly string[];
    strategy: PreloadStrategy;
    id?: string;
    ackFile?: string;
    sentinel?: string;
    sensor?: PreloadGate["sensor"];
  }): Node | undefined {
    if (p.strategy === "none") return undefined;
    const gate: PreloadGate = {
      strategy: p.strategy,
      ...(p.sensor ? { sensor: p.sensor } : {}),
      ...(p.sentinel ? { sentinel: p.sentinel } : {}),
    };
    return this.task({
      id: p.id ?? joinId("check", p.domain, preloadTaskSuffix(p.strategy)),
      kind: "preload",
      trigger: "all_success",
      domain: p.domain,
      command: preloadArgv({ ...p, strategy: p.strategy }),
      gate,
      retries: 0,
    });
  }

  stage(p: { domain: string; tables: readonly string[]; id?: string }): Node {
    return this.task({
      id: p.id ?? joinId("stage", p.domain),
      kind: "stage",
      trigger: "all_success",
      domain: p.domain,
      command: stageArgv(p),
    });
  }

  /** Loads one table and publishes the dataset `domain.table`. */
  load(
    p: {
      domain: string;
      table: string;
      id?: string;
      cron?: string;
      freshness?: number;
      recover?: LoadRecovery;
    } & TaskOverrides,
  ): Node {
    const name = `${p.domain}.${p.table}`;
    const uri = datasetUri(name);
    const cron = p.cron ?? cronOf(this.settings).cron;
    this.addDataset({
      name,
      uri,
      kind: "load",
      ...(cron ? { cron } : {}),
      ...(p.freshness ? { freshness: p.freshness } : {}),
    });
    return this.task({
      ...overrides(p),
      id: p.id ?? joinId("load", p.domain, p.table),
      kind: "load",
      trigger: "all_success",
      domain: p.domain,
      table: p.table,
      command: loadArgv(p),
      scheduledDate: true,
      produces: uri,
      ...(p.recover ? { recover: p.recover } : {}),
    });
  }

  /** Runs one transform (`domain.task`) and publishes its table (`sink`, default the name). */
  transform(
    p: {
      name: string;
      sink?: string;
      id?: string;
      options?: readonly string[];
      cron?: string;
      freshness?: number;
    } & TaskOverrides,
  ): Node {
    const sink = p.sink ?? p.name;
    const uri = datasetUri(sink);
    const cron = p.cron ?? this.settings.dataCron ?? cronOf(this.settings).cron;
    this.addDataset({
      name: p.name,
      uri,
      kind: "transform",
      ...(cron ? { cron } : {}),
      ...(p.freshness ? { freshness: p.freshness } : {}),
    });
    const [domain, ...rest] = sink.split(".");
    return this.task({
      ...overrides(p),
      id: p.id ?? sanitizeId(p.name),
      kind: "transform",
      trigger: "all_success",
      command: transformArgv(p),
      scheduledDate: true,
      dataInterval: cron !== undefined,
      produces: uri,
      ...(rest.length > 0 ? { domain: domain as string, table: rest.join(".") } : {}),
    });
  }

  /** Declares an upstream dataset the pipeline waits for (dataset schedules). */
  consumes(dataset: Dataset): void {
    this.addDataset(dataset);
  }

  /** Opens a group; tasks and groups created inside `body` belong to it. */
  group(id: string, kind: GroupKind, body: () => void, label?: string): Node {
    const parent = this.groupStack[this.groupStack.length - 1];
    this.groups.push({ id, kind, ...(parent ? { parent } : {}), ...(label ? { label } : {}) });
    this.members.set(id, []);
    if (parent) this.members.get(parent)?.push(id);
    this.groupStack.push(id);
    try {
      body();
    } finally {
      this.groupStack.pop();
    }
    return this.node(id);
  }

  /** A remark shown by `slo plan`. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Builds and checks the pipeline; throws a ConfigError listing every problem. */
  build(): Pipeline {
    const { pipeline, diagnostics } = this.tryBuild();
    if (pipeline === undefined) throw new ConfigError(diagnostics);
    return pipeline;
  }

  /** Builds and checks the pipeline, returning problems instead of throwing. */
  tryBuild(): { pipeline?: Pipeline; diagnostics: readonly Diagnostic[] } {
    const diagnostics = [...this.problems, ...this.checkIds(), ...this.checkTrigger()];
    if (diagnostics.length > 0) return { diagnostics };
    const edges = expandGroupEdges(this.links, this.members);
    const ids = this.tasks.map((t) => t.id);
    const order = topologicalOrder(ids, edges);
    if (order === undefined) {
      const cycle = findCycle(ids, edges) ?? [];
      return {
        diagnostics: [
          this.problem(
            "task_cycle",
            `pipeline ${this.id}: tasks form a cycle: ${cycle.join(" -> ")}`,
          ),
        ],
      };
    }
    const byId = new Map(this.tasks.map((t) => [t.id, t]));
    const s = this.settings;
    const timezone = s.timezone ?? "UTC";
    const schedule: Schedule =
      typeof s.schedule === "string"
        ? { kind: "cron", cron: s.schedule, timezone }
        : (s.schedule ?? { kind: "manual" });
    const pipeline: Pipeline = {
      id: s.id,
      kind: s.kind ?? "custom",
      description: s.description ?? "",
      tags: [...new Set(s.tags ?? [])].sort(),
      schedule,
      ...((s.dataCron ?? cronOf(s).cron) ? { dataCron: s.dataCron ?? cronOf(s).cron } : {}),
      catchup: s.catchup ?? false,
      ...(s.startDate ? { startDate: s.startDate } : {}),
      ...(s.endDate ? { endDate: s.endDate } : {}),
      timezone,
      maxActiveRuns: s.maxActiveRuns ?? 1,
      defaults: { retries: 1, retryDelay: 300, ...s.defaults },
      environment: s.environment ?? SHELL,
      tasks: order.map((id) => byId.get(id) as Task),
      groups: [...this.groups].sort((a, b) => a.id.localeCompare(b.id)),
      edges,
      datasets: [...this.datasets.values()].sort((a, b) => a.uri.localeCompare(b.uri)),
      ...(s.source ? { source: s.source } : {}),
      ...(this.notes.length > 0 ? { notes: [...this.notes] } : {}),
      ...(s.airflow ? { airflow: s.airflow } : {}),
      options: s.options ?? {},
    };
    return { pipeline, diagnostics: [] };
  }

  private task(t: Task): Node {
    const group = this.groupStack[this.groupStack.length - 1];
    this.tasks.push(group ? { ...t, group } : t);
    if (group) this.members.get(group)?.push(t.id);
    return this.node(t.id);
  }

  private node(id: string): Node {
    const link = (from: string, to: Node | readonly Node[]) => {
      for (const n of Array.isArray(to) ? (to as readonly Node[]) : [to as Node])
        this.links.push([from, n.id]);
    };
    return {
      id,
      before<N extends Node | readonly Node[]>(next: N): N {
        link(id, next);
        return next;
      },
    };
  }

  private addDataset(d: Dataset): void {
    const known = this.datasets.get(d.uri);
    if (known === undefined || (known.kind !== "pipeline" && d.kind === known.kind))
      this.datasets.set(d.uri, { ...known, ...d });
  }

  private problem(code: string, message: string): Diagnostic {
    return { code, severity: "error", message };
  }

  private checkTrigger(): Diagnostic[] {
    const s = this.settings.schedule;
    const problem =
      typeof s === "object" && s.kind === "datasets" ? conditionProblem(s) : undefined;
    return problem === undefined
      ? []
      : [this.problem("invalid_trigger", `pipeline ${this.id}: the dataset trigger ${problem}`)];
  }

  private checkIds(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const id of [...this.tasks.map((t) => t.id), ...this.groups.map((g) => g.id)]) {
      if (!/^[A-Za-z0-9_]+$/.test(id))
        out.push(
          this.problem(
            "invalid_task_id",
            `pipeline ${this.id}: id ${JSON.stringify(id)} has characters outside [A-Za-z0-9_]`,
          ),
        );
      if (seen.has(id))
        out.push(
          this.problem(
            "duplicate_task_id",
            `pipeline ${this.id}: duplicate task or group id ${id}`,
          ),
        );
      seen.add(id);
    }
    return out;
  }
}

function cronOf(s: PipelineSettings): { cron?: string } {
  if (typeof s.schedule === "string") return { cron: s.schedule };
  return s.schedule?.kind === "cron" ? { cron: s.schedule.cron } : {};
}

function overrides(p: TaskOverrides): TaskOverrides {
  return {
    ...(p.retries !== undefined ? { retries: p.retries } : {}),
    ...(p.retryDelay !== undefined ? { retryDelay: p.retryDelay } : {}),
    ...(p.pool !== undefined ? { pool: p.pool } : {}),
    ...(p.timeout !== undefined ? { timeout: p.timeout } : {}),
  };
}
