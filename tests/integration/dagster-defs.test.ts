import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetOwners, trailingTasks } from "../../src/backends/dagster/asset-owners.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { shellExampleNames } from "../helpers/examples.js";

const examples = shellExampleNames();

describe.each(examples)("real Dagster 1.13 loads the %s example", (name) => {
  let dg: DagsterWorkspace;
  let pipelines: readonly Pipeline[] = [];
  let view: ReturnType<DagsterWorkspace["inspect"]>;

  beforeAll(async () => {
    dg = new DagsterWorkspace();
    await dg.setUp(join("examples", name));
    pipelines = dg.pipelines;
    view = dg.inspect();
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("passes dagster definitions validate", () => {
    const r = dg.validate();
    expect(r.output).toContain("All code locations passed validation");
    expect(r.code).toBe(0);
  });

  it("has a job per pipeline with the IR's tasks, upstream sets, retries, delays and pools", () => {
    expect(Object.keys(view.jobs).sort()).toEqual(pipelines.map((p) => p.id).sort());
    const owners = [...assetOwners(pipelines).values()];
    for (const p of pipelines) {
      const job = view.jobs[p.id] ?? {};
      // a job run by an asset definition's graph leaves out the trailing tasks that run nothing (the end)
      const left = owners.includes(p.id) ? (trailingTasks(p) ?? new Set()) : new Set();
      const steps = p.tasks.filter((t) => !left.has(t.id));
      expect(Object.keys(job).sort(), p.id).toEqual(steps.map((t) => t.id).sort());
      for (const t of steps) {
        const node = job[t.id];
        const upstream = p.edges.filter((e) => e.to === t.id).map((e) => e.from);
        expect(node?.upstream, `${p.id}.${t.id}`).toEqual(upstream.sort());
        if (t.command === undefined) continue;
        const retries = t.retries ?? p.defaults.retries;
        expect(node?.retries, `${p.id}.${t.id}`).toBe(retries);
        if (retries > 0)
          expect(node?.retry_delay, `${p.id}.${t.id}`).toBe(t.retryDelay ?? p.defaults.retryDelay);
        expect(node?.pool, `${p.id}.${t.id}`).toBe(t.pool ?? p.defaults.pool ?? null);
      }
    }
  });

  it("limits the writers of a DuckDB file to their declared slots inside a run", () => {
    for (const p of pipelines) {
      const declared = Object.entries(p.pools ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
      expect(view.limits[p.id], p.id).toEqual(
        declared.length === 0
          ? null
          : declared.map(([value, limit]) => ({ key: "slo/pool", value, limit })),
      );
      for (const t of p.tasks) {
        const pool = t.command === undefined ? undefined : (t.pool ?? p.defaults.pool);
        if (view.jobs[p.id]?.[t.id] === undefined) continue; // left out of an asset graph
        expect(view.jobs[p.id]?.[t.id]?.tags, `${p.id}.${t.id}`).toEqual(
          pool === undefined ? {} : { "slo/pool": pool },
        );
      }
    }
  });

  it("has an executable asset per loaded table and transform, grouped by domain, with lineage", () => {
    const produced = pipelines.flatMap((p) =>
      p.tasks.filter((t) => (t.kind === "load" || t.kind === "transform") && t.produces),
    );
    expect(Object.keys(view.assets).sort()).toEqual(
      [...new Set(produced.map((t) => t.produces as string))].sort(),
    );
    for (const t of produced) {
      expect(view.assets[t.produces as string]?.group, t.id).toBe(t.domain);
      expect(view.assets[t.produces as string]?.executable, t.id).toBe(true);
    }
    // a dataset-triggered transform depends on the assets it waits for
    for (const p of pipelines.filter((x) => x.schedule.kind === "datasets")) {
      const transforms = p.tasks.filter((t) => t.kind === "transform");
      if (transforms.length !== 1 || p.schedule.kind !== "datasets") continue;
      const deps = view.assets[transforms[0]?.produces as string]?.deps ?? [];
      for (const d of p.schedule.datasets) expect(deps, p.id).toContain(d);
    }
  });

  it("draws the project's lineage: a transform's asset depends on every dataset its SQL reads", () => {
    expect(dg.lineage.size).toBeGreaterThan(0);
    for (const [uri, reads] of dg.lineage) {
      expect(view.assets[uri]?.deps, uri).toEqual(expect.arrayContaining([...reads]));
    }
  });

  it("puts the assets of a pipeline with a data cron on its time windows", () => {
    const owners = assetOwners(pipelines);
    for (const [key, id] of owners) {
      const p = pipelines.find((x) => x.id === id);
      expect(view.assets[key]?.partitions, key).toEqual(
        p?.dataCron === undefined
          ? null
          : { cron: p.dataCron, timezone: p.timezone, fmt: expect.stringMatching(/^%Y-%m-%d/) },
      );
    }
  });

  it("schedules cron pipelines in their time zone, automates the others, all stopped at first", () => {
    const owners = assetOwners(pipelines);
    for (const p of pipelines) {
      const owned = [...owners].filter(([, id]) => id === p.id).map(([key]) => key);
      if (p.schedule.kind === "cron") {
        expect(view.schedules[`${p.id}_schedule`], p.id).toEqual({
          job: p.id,
          cron: p.schedule.cron,
          timezone: p.timezone,
          status: "DefaultScheduleStatus.STOPPED",
        });
      } else if (p.schedule.kind === "datasets" && owned.length > 0) {
        // declarative automation of the pipeline's assets, started by their sensor
        expect(view.sensors[`${p.id}_sensor`], p.id).toEqual({
          kind: "AutomationConditionSensorDefinition",
          job: null,
          target: owned.sort(),
          status: "DefaultSensorStatus.STOPPED",
        });
        for (const key of owned)
          expect(view.assets[key]?.automation, key).toBe(`${p.id}: its upstream datasets are new`);
      } else if (p.schedule.kind === "datasets") {
        expect(view.sensors[`${p.id}_sensor`], p.id).toMatchObject({
          kind: "SensorDefinition",
          job: p.id,
          status: "DefaultSensorStatus.STOPPED",
        });
      }
    }
    const scheduled = pipelines.filter((p) => p.schedule.kind !== "manual").length;
    expect(Object.keys(view.schedules).length + Object.keys(view.sensors).length).toBe(scheduled);
  });
});
