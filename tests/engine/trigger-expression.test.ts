import { afterEach, describe, expect, it } from "vitest";
import { dueRuns } from "../../src/engine/scheduler.js";
import { EngineWorkspace } from "../helpers/engine.js";
import { TRIGGER_CASES, triggerPipeline } from "../helpers/trigger-cases.js";

let ws: EngineWorkspace | undefined;
afterEach(() => ws?.close());

const NOW = new Date("2027-01-01T00:00:00Z");

describe("the engine's scheduler on a dataset_triggering_strategy expression", () => {
  it.each(TRIGGER_CASES)("new events of $fresh: runs $runs", async ({ fresh, runs }) => {
    ws = new EngineWorkspace();
    const store = ws.store;
    const p = await triggerPipeline(ws.dir);
    expect(dueRuns(store, [p], NOW)).toEqual([]); // starts listening
    for (const [i, uri] of fresh.entries())
      store.addDatasetEvent(uri, `run${i}`, "load", "2026-03-02T06:00:00+0000");
    expect(dueRuns(store, [p], NOW).length).toBe(runs ? 1 : 0);
  });

  it("a run consumes the events that made it: the next one needs a new set", async () => {
    ws = new EngineWorkspace();
    const store = ws.store;
    const p = await triggerPipeline(ws.dir);
    const step = () => {
      const due = dueRuns(store, [p], NOW);
      for (const d of due) store.setCursor(d.cursor.key, d.cursor.value);
      return due.length;
    };
    let n = 0;
    const produce = (uri: string) =>
      store.addDatasetEvent(uri, `run${++n}`, "load", "2026-03-02T06:00:00+0000");
    expect(step()).toBe(0);
    produce("shop_orders");
    produce("shop_products");
    expect(step()).toBe(1);
    produce("shop_customers");
    expect(step()).toBe(0); // orders is not new any more
    produce("shop_orders");
    expect(step()).toBe(1); // with the customers still waiting
  });
});
