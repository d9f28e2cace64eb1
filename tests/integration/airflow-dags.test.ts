import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import type { TriggerExpression } from "../../src/pipeline/schedule.js";
import { triggerCondition } from "../../src/pipeline/trigger-condition.js";
import { AirflowWorkspace } from "../helpers/airflow.js";
import { shellExampleNames } from "../helpers/examples.js";

/** What real Airflow 3.3 sees when it loads our files (tests/integration/airflow/inspect_dags.py). */
interface AirflowView {
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      schedule: unknown;
      catchup: boolean;
      max_active_runs: number;
      tags: string[];
      tasks: Record<string, AirflowTask>;
    }
  >;
}
interface AirflowTask {
  type: string;
  upstream: string[];
  downstream: string[];
  serialized_upstream: string[];
  group: string | null;
  outlets: string[];
  retries: number;
  retry_delay: number;
  pool: string;
  trigger_rule: string;
}

const examples = shellExampleNames();

/** A trigger condition as inspect_dags.py shows Airflow's (one asset is a list: `all` of one). */
function assetCondition(e: TriggerExpression, top = true): unknown {
  if (e.kind === "dataset") return top ? { all: [e.uri] } : e.uri;
  return { [e.kind === "and" ? "all" : "any"]: e.of.map((x) => assetCondition(x, false)) };
}

/** The IR, as Airflow should show it: each one-shot pre-load check followed by its skip step (a sensor gates by itself). */
function expected(p: Pipeline) {
  const skip = new Map(
    p.tasks
      .filter((t) => t.kind === "preload" && !t.gate?.sensor)
      .map((t) => [t.id, `skip_or_start_loading_${(t.group ?? t.id).replace(/^pre_load_/, "")}`]),
  );
  const upstream = new Map<string, string[]>(p.tasks.map((t) => [t.id, []]));
  for (const [check, s] of skip) upstream.set(s, [check]);
  for (const e of p.edges) upstream.get(e.to)?.push(skip.get(e.from) ?? e.from);
  return { skip, upstream };
}

describe.each(examples)("real Airflow 3.3 loads the %s example", (name) => {
  let af: AirflowWorkspace;
  let pipelines: readonly Pipeline[] = [];
  let view: AirflowView;

  beforeAll(async () => {
    af = new AirflowWorkspace();
    await af.setUp(join("examples", name));
    pipelines = af.pipelines;
    view = af.inspect<AirflowView>();
  }, 900_000);
  afterAll(() => af.tearDown());

  it("imports every file with zero errors, one DAG per pipeline", () => {
    expect(view.import_errors).toEqual({});
    expect(Object.keys(view.dags).sort()).toEqual(pipelines.map((p) => p.id).sort());
  });

  it("has the IR's tasks, upstream and downstream sets (also once serialised), groups, outlets, retries, retry delays and pools", () => {
    for (const p of pipelines) {
      const dag = view.dags[p.id];
      const { skip, upstream } = expected(p);
      expect(Object.keys(dag?.tasks ?? {}).sort(), p.id).toEqual(
        [...p.tasks.map((t) => t.id), ...skip.values()].sort(),
      );
      for (const t of p.tasks) {
        const seen = dag?.tasks[t.id] as AirflowTask;
        expect(seen.upstream, `${p.id}.${t.id}`).toEqual([...(upstream.get(t.id) ?? [])].sort());
        expect(seen.serialized_upstream, `${p.id}.${t.id}`).toEqual(seen.upstream);
        expect(seen.group, `${p.id}.${t.id}`).toBe(t.group ?? null);
        expect(seen.outlets, `${p.id}.${t.id}`).toEqual(t.produces ? [t.produces] : []);
        expect(seen.retries, `${p.id}.${t.id}`).toBe(t.retries ?? p.defaults.retries);
        expect(seen.retry_delay, `${p.id}.${t.id}`).toBe(t.retryDelay ?? p.defaults.retryDelay);
        expect(seen.pool, `${p.id}.${t.id}`).toBe(t.pool ?? p.defaults.pool ?? "default_pool");
        expect(seen.trigger_rule, `${p.id}.${t.id}`).toBe(t.trigger);
        const type = t.gate?.sensor ? "StarlakePreloadSensor" : "BashOperator";
        expect(seen.type, `${p.id}.${t.id}`).toBe(t.command ? type : "EmptyOperator");
      }
      // every edge is recorded on both ends (the serialised DAG keeps only downstream ids)
      for (const [id, task] of Object.entries(dag?.tasks ?? {}))
        for (const up of task.upstream)
          expect(dag?.tasks[up]?.downstream, `${p.id}: ${up} >> ${id}`).toContain(id);
      for (const [check, s] of skip) {
        expect(dag?.tasks[s]).toMatchObject({
          type: "ShortCircuitOperator",
          upstream: [check],
          group: p.tasks.find((t) => t.id === check)?.group ?? null,
        });
      }
    }
  });

  it("has the IR's schedules (cron with zone, asset expressions), tags, catchup and max active runs", () => {
    for (const p of pipelines) {
      const dag = view.dags[p.id];
      const s = p.schedule;
      const schedule =
        s.kind === "cron"
          ? { cron: s.cron, timezone: p.timezone }
          : s.kind === "datasets"
            ? { assets: assetCondition(triggerCondition(s)) }
            : "NullTimetable";
      expect(dag?.schedule, p.id).toEqual(schedule);
      expect(dag?.tags, p.id).toEqual([...p.tags].sort());
      expect(dag?.catchup, p.id).toBe(p.catchup);
      expect(dag?.max_active_runs, p.id).toBe(p.maxActiveRuns);
    }
  });

  it("passes ruff format --check and ruff check (default rules)", () => {
    af.ruff(["format", "--isolated", "--check"]);
    af.ruff(["check", "--isolated"]);
  });
});
