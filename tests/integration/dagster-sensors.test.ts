import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetSchedule } from "../../src/pipeline/schedule.js";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { mixedFrequencyPipeline, testPipeline } from "../helpers/engine.js";
import { TRIGGER_CASES, TRIGGER_FIXTURE, TRIGGER_PIPELINE } from "../helpers/trigger-cases.js";

type Tick = { runs: Array<Record<string, string>>; skip: string | null };

/** Sensor evaluation in real Dagster: a run after the upstreams are materialised, once. */
describe.each([
  ["any", "examples/minimal"],
  ["all", "examples/bakery"],
] as const)("the sensor of a dataset-triggered pipeline (%s)", (strategy, project) => {
  let dg: DagsterWorkspace;
  beforeAll(async () => {
    dg = new DagsterWorkspace();
    await dg.setUp(project);
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("requests a run when its upstreams are materialised, not before, and not twice", () => {
    const p = dg.pipelines.find(
      (x) =>
        x.schedule.kind === "datasets" &&
        x.schedule.strategy === strategy &&
        x.schedule.datasets.length >= 2,
    );
    if (p === undefined) throw new Error(`no pipeline waiting for ${strategy} of two datasets`);
    const [a, b] = (p.schedule as DatasetSchedule).datasets as [string, string];
    const tick = { tick: true };
    const ticks = dg.python<Tick[]>("tests/integration/dagster/sensor_ticks.py", [
      dg.file,
      `${p.id}_sensor`,
      JSON.stringify([
        tick,
        { materialize: a, scheduled: "2026-03-02T06:00:00+0000" },
        tick,
        tick,
        { materialize: b, scheduled: "2026-03-02T07:00:00+0000" },
        tick,
        tick,
      ]),
    ]);
    const runs = ticks.map((t) => t.runs.length);
    // any: a run after each new upstream; all: one run once both are there
    expect(runs).toEqual(strategy === "any" ? [0, 1, 0, 1, 0] : [0, 0, 0, 1, 0]);
    const last = ticks[3]?.runs[0];
    // the newest scheduled date among the events that triggered it
    expect(last?.sl_scheduled_date).toBe("2026-03-02T07:00:00+0000");
    expect(ticks[0]?.skip).toMatch(/0 of \d+ upstream assets materialised/);
  });
});

describe("the sensor aligns mixed frequencies (spec §6.4)", () => {
  let dg: DagsterWorkspace;
  beforeAll(() => {
    dg = new DagsterWorkspace();
    const p = testPipeline({
      id: "t",
      root: "/unused",
      tasks: [{ id: "report", kind: "transform" }],
    });
    dg.setUpPipelines([mixedFrequencyPipeline(p)]);
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("under all, a daily transform of a monthly and a daily table runs daily, on the month's table", () => {
    const tick = { tick: true };
    const made = (uri: string, scheduled: string) => ({ materialize: uri, scheduled });
    const ticks = dg.python<Tick[]>("tests/integration/dagster/sensor_ticks.py", [
      dg.file,
      "t_sensor",
      JSON.stringify([
        tick,
        made("daily", "2026-03-01T06:00:00+0000"),
        tick, // the month's table is missing
        made("monthly", "2026-03-01T05:00:00+0000"),
        tick, // both
        made("daily", "2026-03-02T06:00:00+0000"),
        tick, // March's table still counts
        tick, // once per event set
        made("daily", "2026-04-02T06:00:00+0000"),
        tick, // April's table is not there yet
        made("monthly", "2026-04-01T05:00:00+0000"),
        tick,
      ]),
    ]);
    expect(ticks.map((t) => t.runs[0]?.sl_scheduled_date ?? null)).toEqual([
      null,
      null,
      "2026-03-01T06:00:00+0000",
      "2026-03-02T06:00:00+0000",
      null,
      null,
      "2026-04-02T06:00:00+0000",
    ]);
  });
});

describe("the sensor of a dataset_triggering_strategy expression", () => {
  let dg: DagsterWorkspace;
  beforeAll(async () => {
    dg = new DagsterWorkspace();
    await dg.setUp(TRIGGER_FIXTURE);
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("requests a run in the same cases as the engine and Airflow", () => {
    const steps = TRIGGER_CASES.flatMap((c) => [
      { reset: true },
      ...c.fresh.map((uri) => ({ materialize: uri, scheduled: "2026-03-02T06:00:00+0000" })),
      { tick: true },
    ]);
    const ticks = dg.python<Tick[]>("tests/integration/dagster/sensor_ticks.py", [
      dg.file,
      `${TRIGGER_PIPELINE}_sensor`,
      JSON.stringify(steps),
    ]);
    expect(ticks.map((t) => t.runs.length > 0)).toEqual(TRIGGER_CASES.map((c) => c.runs));
    // an upstream the expression leaves out is not watched
    expect(ticks[6]?.skip).toBe("0 of 3 upstream assets materialised");
  });
});
