import { afterEach, describe, expect, it } from "vitest";
import { duckdbPool, oneWriterPerDuckdbFile } from "../../src/compile/duckdb-writers.js";
import { planProject } from "../../src/compile/plan-project.js";
import { Slots } from "../../src/engine/slots.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { EngineWorkspace, peakOverlap, testPipeline } from "../helpers/engine.js";

describe("the pool of a DuckDB file", () => {
  it("names the file relative to the project root, absolute outside it", () => {
    expect(duckdbPool("jdbc:duckdb:/srv/bakery/datasets/duckdb.db", "/srv/bakery")).toBe(
      "duckdb:datasets/duckdb.db",
    );
    expect(duckdbPool("jdbc:duckdb:datasets/b.duckdb?access_mode=READ_WRITE", "/srv/b")).toBe(
      "duckdb:datasets/b.duckdb",
    );
    expect(duckdbPool("JDBC:DUCKDB:/data/shared.duckdb", "/srv/bakery")).toBe(
      "duckdb:/data/shared.duckdb",
    );
    expect(duckdbPool("jdbc:duckdb:/srv/bakery/../other/x.db", "/srv/bakery")).toBe(
      "duckdb:/srv/other/x.db",
    );
  });

  it("is none for other engines and for in-memory databases", () => {
    for (const url of [
      undefined,
      "",
      "duckdb",
      "bigquery",
      "jdbc:postgresql://db/x",
      "jdbc:duckdb:",
      "jdbc:duckdb::memory:",
      "jdbc:duckdb::memory:named",
    ])
      expect(duckdbPool(url, "/srv/p"), String(url)).toBeUndefined();
  });
});

describe("one writer per DuckDB file", () => {
  const pipeline = (defaults: { pool?: string } = {}): Pipeline => {
    const p = testPipeline({
      root: "/srv/p",
      defaults,
      tasks: [
        { id: "check", kind: "preload", command: ["preload", "--domain", "d"] },
        { id: "stage", kind: "stage", command: ["stage", "--domains", "d"] },
        { id: "load_t" },
        { id: "build", kind: "transform", command: ["transform", "--name", "k.t"] },
        { id: "end", kind: "end", command: undefined },
      ],
    });
    return { ...p, tasks: p.tasks.map((t) => (t.id === "end" ? { ...t, command: undefined } : t)) };
  };

  it("gives every load and transform the file's one-slot pool, and says so", () => {
    const [p] = oneWriterPerDuckdbFile([pipeline()], "duckdb:datasets/x.db");
    expect(p?.tasks.map((t) => [t.id, t.pool ?? null])).toEqual([
      ["check", null], // pre-load checks and stages never open the database
      ["stage", null],
      ["load_t", "duckdb:datasets/x.db"],
      ["build", "duckdb:datasets/x.db"],
      ["end", null],
    ]);
    expect(p?.pools).toEqual({ "duckdb:datasets/x.db": 1 });
    expect(p?.notes).toEqual([
      "loads and transforms use pool duckdb:datasets/x.db (1 slot: one writer per DuckDB file)",
    ]);
  });

  it("says which pool of the dag config gives way", () => {
    const [p] = oneWriterPerDuckdbFile([pipeline({ pool: "loads" })], "duckdb:x.db");
    expect(p?.notes?.[0]).toBe(
      "loads and transforms use pool duckdb:x.db (1 slot: one writer per DuckDB file) instead of loads",
    );
  });

  it("leaves pipelines alone when the connection is no DuckDB file", () => {
    const p = pipeline({ pool: "loads" });
    expect(oneWriterPerDuckdbFile([p], undefined)).toEqual([p]);
  });

  it("is what the bakery compiles to: every load and transform, in every pipeline", async () => {
    const plan = await planProject("examples/bakery", { env: {} });
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    for (const p of plan.pipelines) {
      expect(p.pools).toEqual({ "duckdb:datasets/duckdb.db": 1 });
      for (const t of p.tasks)
        expect(t.pool, `${p.id}.${t.id}`).toBe(
          t.kind === "load" || t.kind === "transform" ? "duckdb:datasets/duckdb.db" : undefined,
        );
    }
  });
});

describe("the engine honours a declared pool", () => {
  let ws: EngineWorkspace | undefined;
  afterEach(() => ws?.close());

  it("runs the writers of one file one at a time", async () => {
    ws = new EngineWorkspace();
    const tasks = ["a", "b", "c"].map((id) => ({ id, pool: "duckdb:x.db" }));
    const p = { ...testPipeline({ root: ws.dir, tasks }), pools: { "duckdb:x.db": 1 } };
    const plan = { a: { sleep: 0.3 }, b: { sleep: 0.3 }, c: { sleep: 0.3 } };
    const run = await ws.run([p], { plan, concurrency: 4 });
    expect(run.states[0]?.state).toBe("success");
    expect(peakOverlap(ws.events())).toBe(1);
  });

  it("takes the declared slots unless --pool names the pool", () => {
    const declared = { "duckdb:x.db": 1 };
    const slots = new Slots(4);
    expect(slots.tryTake("duckdb:x.db", declared)).toBe(true);
    expect(slots.tryTake("duckdb:x.db", declared)).toBe(false);
    expect(slots.tryTake("duckdb:x.db")).toBe(true); // undeclared: only the global cap
    const widened = new Slots(4, new Map([["duckdb:x.db", 2]]));
    expect(widened.tryTake("duckdb:x.db", declared)).toBe(true);
    expect(widened.tryTake("duckdb:x.db", declared)).toBe(true);
    expect(widened.tryTake("duckdb:x.db", declared)).toBe(false);
  });
});
