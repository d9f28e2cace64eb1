import { afterEach, describe, expect, it } from "vitest";
import { dueText } from "../../src/cli/serve-log.js";
import { dueRuns, nextDue } from "../../src/engine/scheduler.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { EngineWorkspace, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
afterEach(() => ws?.close());

const cron = (root: string, expr: string, extra: Partial<Pipeline> = {}): Pipeline => ({
  ...testPipeline({ id: "nightly", root, tasks: [{ id: "a" }] }),
  schedule: { kind: "cron", cron: expr, timezone: "Europe/Paris" },
  timezone: "Europe/Paris",
  ...extra,
});
const watching = (root: string, strategy: "any" | "all"): Pipeline => ({
  ...testPipeline({ id: "report", root, tasks: [{ id: "r" }] }),
  schedule: { kind: "datasets", datasets: ["shop_orders", "shop_customers"], strategy },
});
const texts = (p: readonly Pipeline[], now: string) =>
  nextDue(ws.store, p, new Date(now)).map((d) => `${d.pipeline.id} ${dueText(d)}`);

describe("nextDue: when each pipeline is next due, as slo serve reports it", () => {
  it("a cron pipeline: its next instant, in its own zone and offset (across the spring DST change)", () => {
    ws = new EngineWorkspace();
    const p = cron(ws.dir, "30 2 * * *");
    expect(texts([p], "2026-03-28T12:00:00Z")).toEqual([
      // 02:30 does not exist in Paris that night: due at 03:00, summer time
      "nightly at 2026-03-29T03:00:00+02:00 (cron 30 2 * * *, Europe/Paris)",
    ]);
    expect(texts([p], "2026-03-27T12:00:00Z")).toEqual([
      "nightly at 2026-03-28T02:30:00+01:00 (cron 30 2 * * *, Europe/Paris)",
    ]);
  });

  it("an instant missed while the scheduler was away is due now; asking moves no cursor", () => {
    ws = new EngineWorkspace();
    const p = cron(ws.dir, "0 6 * * *");
    expect(dueRuns(ws.store, [p], new Date("2026-05-01T12:00:00Z"))).toEqual([]); // starts its clock
    const before = ws.store.getCursor("cron:nightly");
    expect(texts([p], "2026-05-03T12:00:00Z")).toEqual([
      "nightly now: the instant 2026-05-03T06:00:00+02:00 was missed (cron 0 6 * * *, Europe/Paris)",
    ]);
    expect(ws.store.getCursor("cron:nightly")).toBe(before);
    // the scheduler fires that one (without catchup, only the latest missed instant)
    expect(dueRuns(ws.store, [p], new Date("2026-05-03T12:00:00Z")).map((d) => d.date)).toEqual([
      new Date("2026-05-03T04:00:00Z"),
    ]);
  });

  it("a catchup pipeline without a cursor is due now from its start_date", () => {
    ws = new EngineWorkspace();
    const p = cron(ws.dir, "0 6 * * *", { catchup: true, startDate: "2026-05-01" });
    expect(texts([p], "2026-05-03T12:00:00Z")).toEqual([
      "nightly now: the instant 2026-05-01T06:00:00+02:00 was missed (cron 0 6 * * *, Europe/Paris)",
    ]);
  });

  it("a rare cron (29 February) is due at its next instant; a manual pipeline is never", () => {
    ws = new EngineWorkspace();
    const gone = cron(ws.dir, "0 6 29 2 *", { id: "leap" });
    const manual = testPipeline({ id: "by_hand", root: ws.dir, tasks: [{ id: "a" }] });
    const [leap] = nextDue(ws.store, [gone], new Date("2026-05-03T12:00:00Z"));
    expect(leap?.kind === "cron" && leap.at?.toISOString()).toBe("2028-02-29T05:00:00.000Z");
    expect(texts([manual], "2026-05-03T12:00:00Z")).toEqual([
      "by_hand never: it has no schedule (slo run starts it)",
    ]);
  });

  it("a dataset-triggered pipeline: its condition and the upstreams with a new event", () => {
    ws = new EngineWorkspace();
    const p = watching(ws.dir, "all");
    expect(dueRuns(ws.store, [p], new Date())).toEqual([]); // starts waiting
    expect(texts([p], "2026-05-03T12:00:00Z")).toEqual([
      "report on new events of shop_orders & shop_customers (new so far: none)",
    ]);
    const run = ws.store.createRun(
      testPipeline({ root: ws.dir, tasks: [{ id: "x" }] }),
      new Date(),
      "manual",
      {},
    );
    ws.store.addDatasetEvent("shop_orders", run, "x", "2026-05-03T06:00:00+0000");
    ws.store.addDatasetEvent("elsewhere", run, "x", "2026-05-03T06:00:00+0000");
    expect(texts([p], "2026-05-03T12:00:00Z")).toEqual([
      "report on new events of shop_orders & shop_customers (new so far: shop_orders)",
    ]);
    expect(texts([watching(ws.dir, "any")], "2026-05-03T12:00:00Z")).toEqual([
      "report on new events of shop_orders | shop_customers (new so far: shop_orders)",
    ]);
  });
});
