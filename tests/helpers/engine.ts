import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore, type TaskRow } from "../../src/engine/state-store.js";
import type { Pipeline, Task, TaskDefaults } from "../../src/pipeline/pipeline.js";

export const STAND_IN = resolve("tests/engine/bin/stand-in");

export interface TaskSpec extends Partial<Omit<Task, "id">> {
  readonly id: string;
}

/** A shell pipeline whose tasks run the stand-in, each named by its id (`--tables <id>`). */
export function testPipeline(spec: {
  id?: string;
  tasks: readonly TaskSpec[];
  edges?: ReadonlyArray<readonly [string, string]>;
  defaults?: Partial<TaskDefaults>;
  root: string;
}): Pipeline {
  return {
    id: spec.id ?? "p",
    kind: "load",
    description: "",
    tags: [],
    schedule: { kind: "manual" },
    catchup: false,
    timezone: "UTC",
    maxActiveRuns: 1,
    defaults: { retries: 0, retryDelay: 0, ...spec.defaults },
    environment: {
      kind: "shell",
      env: {},
      slRoot: spec.root,
      starlakePath: STAND_IN,
      includeEnvVars: [],
    },
    tasks: spec.tasks.map((t) => ({
      kind: "load",
      trigger: "all_success",
      command: ["load", "--domains", "d", "--tables", t.id],
      ...t,
    })),
    groups: [],
    edges: (spec.edges ?? []).map(([from, to]) => ({ from, to })),
    datasets: [],
    options: {},
  };
}

export interface StandInEvent {
  readonly ev: "start" | "end";
  readonly key: string;
  readonly verb: string;
  readonly t: number;
  readonly pid: number;
}

/** A scratch folder with a state store; `run` runs pipelines on the stand-in. */
export class EngineWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), "slo-engine-"));
  readonly record = join(this.dir, "record.jsonl");
  readonly store = new StateStore(join(this.dir, "state.db"));

  async run(
    pipelines: readonly Pipeline[],
    options: {
      plan?: Record<string, unknown>;
      concurrency?: number;
      pools?: Record<string, number>;
    } = {},
  ): Promise<{ slots: Slots; states: Array<{ runId: string; state: string; tasks: TaskRow[] }> }> {
    const slots = new Slots(options.concurrency ?? 8, new Map(Object.entries(options.pools ?? {})));
    const outcomes = await runPipelines(
      this.store,
      { pipelines },
      {
        baseEnv: {
          PATH: process.env.PATH,
          SLO_RECORD: this.record,
          STANDIN_PLAN: JSON.stringify(options.plan ?? {}),
        },
        logsDir: join(this.dir, "logs"),
        slots,
      },
    );
    return {
      slots,
      states: outcomes.map((o) => ({
        runId: o.runId,
        state: o.state,
        tasks: this.store.tasks(o.runId),
      })),
    };
  }

  /** What the stand-ins recorded (in `record`, else this workspace's record file). */
  events(record = this.record): StandInEvent[] {
    try {
      return readFileSync(record, "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as StandInEvent);
    } catch {
      return [];
    }
  }

  close(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The most stand-ins that were running at once, from their start and end events. */
export function peakOverlap(events: readonly StandInEvent[]): number {
  const marks = events
    .map((e) => [e.t, e.ev === "start" ? 1 : -1] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of marks) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

export const stateOf = (tasks: readonly TaskRow[]) =>
  Object.fromEntries(tasks.map((t) => [t.taskId, t.state]));

/**
 * A daily transform waiting for `all` of a daily and a monthly table (spec §6.4): the case every
 * runner must align, shared by the engine, Airflow and Dagster tests.
 */
export function mixedFrequencyPipeline(base: Pipeline): Pipeline {
  return {
    ...base,
    kind: "transform",
    dataCron: "0 6 * * *",
    schedule: { kind: "datasets", datasets: ["daily", "monthly"], strategy: "all" },
    datasets: [
      { name: "d.daily", uri: "daily", kind: "load", cron: "0 6 * * *" },
      { name: "d.monthly", uri: "monthly", kind: "load", cron: "0 5 1 * *" },
    ],
  };
}
