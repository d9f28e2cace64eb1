import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import type { DatasetSchedule } from "../../src/pipeline/schedule.js";
import type { Recorded } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { mixedFrequencyPipeline, testPipeline } from "../helpers/engine.js";
import { TRIGGER_CASES, TRIGGER_FIXTURE, TRIGGER_PIPELINE } from "../helpers/trigger-cases.js";

/** What one evaluation of the pipeline's automation requested: how many assets, which windows. */
type Tick = { requested: number; partitions: string[] };
const SCRIPT = "tests/integration/dagster/automation_ticks.py";

/** Declarative automation in real Dagster: a run after the upstreams are materialised, once. */
describe.each([
  ["any", "examples/minimal"],
  ["all", "examples/bakery"],
] as const)("the automation of a dataset-triggered pipeline (%s)", (strategy, project) => {
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
    const ticks = dg.python<Tick[]>(SCRIPT, [
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
    const runs = ticks.map((t) => (t.requested > 0 ? 1 : 0));
    // any: a run after each new upstream; all: one run once both are there
    expect(runs).toEqual(strategy === "any" ? [0, 1, 0, 1, 0] : [0, 0, 0, 1, 0]);
    // on time windows, the run is the window that ended last (as a schedule's tick would run)
    if (p.dataCron !== undefined) {
      const end = runValues(p, new Date("2026-03-02T07:00:00Z")).interval?.start ?? "";
      expect(ticks[3]?.partitions).toHaveLength(1);
      expect(end.startsWith(ticks[3]?.partitions[0]?.slice(0, 10) ?? "?"), end).toBe(true);
    }
  });
});

describe("the automation aligns mixed frequencies (spec §6.4)", () => {
  let dg: DagsterWorkspace;
  beforeAll(() => {
    dg = new DagsterWorkspace();
    const p = testPipeline({
      id: "t",
      root: "/unused",
      tasks: [{ id: "report", kind: "transform", produces: "report" }],
    });
    dg.setUpPipelines([mixedFrequencyPipeline(p)]);
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("under all, a daily transform of a monthly and a daily table runs daily, on the month's table", () => {
    const tick = { tick: true };
    const made = (uri: string, scheduled: string) => ({ materialize: uri, scheduled });
    const ticks = dg.python<Tick[]>(SCRIPT, [
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
    // each run is the daily window that ended last when it was requested
    expect(ticks.map((t) => t.partitions[0] ?? null)).toEqual([
      null,
      null,
      "2026-02-28",
      "2026-03-01",
      null,
      null,
      "2026-04-01",
    ]);
  });
});

describe("the automation of a dataset_triggering_strategy expression", () => {
  let dg: DagsterWorkspace;
  beforeAll(async () => {
    dg = new DagsterWorkspace();
    await dg.setUp(TRIGGER_FIXTURE);
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("requests a run in the same cases as the engine and Airflow", () => {
    // Dagster's first evaluation only takes note of what exists: each case starts with one
    const steps = TRIGGER_CASES.flatMap((c) => [
      { reset: true },
      { tick: true },
      ...c.fresh.map((uri) => ({ materialize: uri, scheduled: "2026-03-02T06:00:00+0000" })),
      { tick: true },
    ]);
    const ticks = dg.python<Tick[]>(SCRIPT, [
      dg.file,
      `${TRIGGER_PIPELINE}_sensor`,
      JSON.stringify(steps),
    ]);
    expect(ticks.filter((_, i) => i % 2 === 0).every((t) => t.requested === 0)).toBe(true);
    expect(ticks.filter((_, i) => i % 2 === 1).map((t) => t.requested > 0)).toEqual(
      TRIGGER_CASES.map((c) => c.runs),
    );
  });
});

/** The job of a pipeline is an op job: its runs must still count for the automation downstream. */
describe("a run of an upstream pipeline's job starts the automation downstream", () => {
  let dg: DagsterWorkspace;
  beforeAll(async () => {
    dg = new DagsterWorkspace();
    await dg.setUp("examples/minimal");
  }, 900_000);
  afterAll(() => dg.tearDown());

  it("requests the window the job's run materialised, once", () => {
    const tick = { tick: true };
    const record = join(dg.work, "job-then-automation.jsonl");
    const ticks = dg.python<Tick[]>(
      SCRIPT,
      [
        dg.file,
        "minimal_plant_count_sensor",
        JSON.stringify([
          tick,
          // the window of 2026-03-01, from 06:00 to 06:00 the next day
          { run: "minimal_load", partition: "2026-03-01", scheduled: "2026-03-02T06:00:00+0000" },
          tick,
          tick,
        ]),
      ],
      { SLO_RECORD: record },
    );
    expect(ticks).toEqual([
      { requested: 0, partitions: [] },
      { requested: 1, partitions: ["2026-03-01"] },
      { requested: 0, partitions: [] },
    ]);
    // the job did run its loads, for the window's end
    const loads = readFileSync(record, "utf8")
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as Recorded).argv)
      .filter((argv) => argv[0] === "load");
    expect(loads.length).toBe(2);
    for (const argv of loads) expect(argv).toContain("2026-03-02T06:00:00+0000");
  }, 900_000);
});
