import { spawn, spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dueRuns } from "../../src/engine/scheduler.js";
import { serve } from "../../src/engine/serve.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { EngineWorkspace, mixedFrequencyPipeline, testPipeline } from "../helpers/engine.js";

let ws: EngineWorkspace;
afterEach(() => ws?.close());

/** Steps a clock from `from` to `to` and collects the instants the scheduler fires. */
function fired(store: StateStore, p: Pipeline, from: string, to: string, stepMinutes = 10) {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * 60_000) {
    for (const due of dueRuns(store, [p], new Date(t))) {
      out.push(due.date.toISOString());
      store.setCursor(due.cursor.key, due.cursor.value);
    }
  }
  return out;
}

const cronPipeline = (root: string, cron: string, extra: Partial<Pipeline> = {}): Pipeline => ({
  ...testPipeline({ root, tasks: [{ id: "a" }] }),
  schedule: { kind: "cron", cron, timezone: "Europe/Paris" },
  timezone: "Europe/Paris",
  ...extra,
});

describe("scheduler: cron", () => {
  it("fires once a day across the spring DST change (the skipped 02:30 fires at 03:00)", () => {
    ws = new EngineWorkspace();
    const p = cronPipeline(ws.dir, "30 2 * * *");
    expect(fired(ws.store, p, "2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z")).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST: 02:30 does not exist that day
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("fires once a day across the autumn DST change, and every real hour of the 25-hour day", () => {
    ws = new EngineWorkspace();
    const daily = fired(
      ws.store,
      cronPipeline(ws.dir, "30 2 * * *"),
      "2026-10-23T12:00:00Z",
      "2026-10-26T12:00:00Z",
    );
    expect(daily).toHaveLength(3);
    expect(daily[0]).toBe("2026-10-24T00:30:00.000Z"); // 02:30 CEST
    expect(daily[2]).toBe("2026-10-26T01:30:00.000Z"); // 02:30 CET
    const hourly = fired(
      ws.store,
      { ...cronPipeline(ws.dir, "0 * * * *"), id: "hourly" },
      "2026-10-24T21:59:00Z",
      "2026-10-25T23:00:00Z",
      5,
    );
    // local day 2026-10-25 (22:00Z on the 24th to 23:00Z on the 25th) has 25 hours
    expect(hourly.filter((d) => d >= "2026-10-24T22:00" && d < "2026-10-25T23:00")).toHaveLength(
      25,
    );
    expect(new Set(hourly).size).toBe(hourly.length);
  });

  it("the first look only starts the clock; after a pause, only the latest instant (or all with catchup)", () => {
    ws = new EngineWorkspace();
    const p = cronPipeline(ws.dir, "0 6 * * *");
    expect(dueRuns(ws.store, [p], new Date("2026-05-01T12:00:00Z"))).toEqual([]);
    const late = dueRuns(ws.store, [p], new Date("2026-05-04T12:00:00Z"));
    expect(late.map((d) => d.date.toISOString())).toEqual(["2026-05-04T04:00:00.000Z"]);
    const c = { ...p, id: "caught", catchup: true, startDate: "2026-05-01" };
    expect(
      dueRuns(ws.store, [c], new Date("2026-05-03T12:00:00Z")).map((d) => d.date.toISOString()),
    ).toEqual(["2026-05-01T04:00:00.000Z", "2026-05-02T04:00:00.000Z", "2026-05-03T04:00:00.000Z"]);
  });
});

describe("scheduler: datasets", () => {
  for (const strategy of ["any", "all"] as const) {
    it(`a transform waiting for ${strategy} of two loads runs once per event set, after them`, async () => {
      ws = new EngineWorkspace();
      const load = (id: string) =>
        testPipeline({ id, root: ws.dir, tasks: [{ id: `load_${id}`, produces: `ds_${id}` }] });
      const transform: Pipeline = {
        ...testPipeline({ id: "t", root: ws.dir, tasks: [{ id: "report", kind: "transform" }] }),
        kind: "transform",
        schedule: { kind: "datasets", datasets: ["ds_l1", "ds_l2"], strategy },
      };
      const abort = new AbortController();
      const settings = {
        baseEnv: { PATH: process.env.PATH, SLO_RECORD: ws.record },
        logsDir: join(ws.dir, "logs"),
        slots: new Slots(4),
        signal: abort.signal,
      };
      const scheduler = new StateStore(ws.store.path);
      const served = serve(scheduler, [transform], settings, { tickMs: 50 });
      const runsOfT = () => ws.store.runs(100).filter((r) => r.pipeline === "t");
      await settle(200);
      const finished = (n: number) => runsOfT().filter((r) => r.state !== "running").length >= n;
      await ws.run([load("l1")]);
      if (strategy === "any") await until(() => finished(1));
      else await settle(500);
      expect(runsOfT()).toHaveLength(strategy === "any" ? 1 : 0);
      await ws.run([load("l2")]);
      const expected = strategy === "any" ? 2 : 1;
      await until(() => finished(expected));
      await settle(500); // and no more
      expect(runsOfT()).toHaveLength(expected);
      abort.abort();
      await served;
      scheduler.close();
      expect(runsOfT()).toHaveLength(expected);
      expect(runsOfT().every((r) => r.state === "success" && r.trigger === "datasets")).toBe(true);
      const starts = ws.events().filter((e) => e.ev === "start" && e.key === "report");
      expect(starts).toHaveLength(expected);
    });
  }
});

describe("scheduler: mixed frequencies (spec §6.4)", () => {
  it("under all, a daily transform of a monthly and a daily table runs daily, on the month's table", () => {
    ws = new EngineWorkspace();
    const p = mixedFrequencyPipeline(
      testPipeline({ id: "t", root: ws.dir, tasks: [{ id: "report", kind: "transform" }] }),
    );
    const step = () => {
      const due = dueRuns(ws.store, [p], new Date("2027-01-01T00:00:00Z"));
      for (const d of due) ws.store.setCursor(d.cursor.key, d.cursor.value);
      return due.map((d) => d.date.toISOString());
    };
    let run = 0;
    const produce = (uri: string, stamp: string) =>
      ws.store.addDatasetEvent(uri, `run${++run}`, "load", stamp);
    expect(step()).toEqual([]); // starts listening
    produce("daily", "2026-03-01T06:00:00+0000");
    expect(step()).toEqual([]); // the month's table is missing
    produce("monthly", "2026-03-01T05:00:00+0000");
    expect(step()).toEqual(["2026-03-01T06:00:00.000Z"]);
    produce("daily", "2026-03-02T06:00:00+0000");
    expect(step()).toEqual(["2026-03-02T06:00:00.000Z"]); // March's table still counts
    expect(step()).toEqual([]); // once per event set
    produce("daily", "2026-04-02T06:00:00+0000");
    expect(step()).toEqual([]); // April's table is not there yet
    produce("monthly", "2026-04-01T05:00:00+0000");
    expect(step()).toEqual(["2026-04-02T06:00:00.000Z"]);
    // same frequency: both need a new event
    const even = {
      ...p,
      id: "even",
      datasets: p.datasets.map((d) => ({ ...d, cron: "0 6 * * *" })),
    };
    const stepEven = () => dueRuns(ws.store, [even], new Date("2027-01-01T00:00:00Z"));
    expect(stepEven()).toEqual([]);
    produce("daily", "2026-04-03T06:00:00+0000");
    expect(stepEven()).toEqual([]);
  });
});

describe("slo serve", () => {
  it("a second scheduler on the same state refuses, naming the first", async () => {
    ws = new EngineWorkspace();
    const project = join(ws.dir, "minimal");
    cpSync("examples/minimal", project, { recursive: true });
    const bin = resolve("dist/cli/bin.js");
    const recorder = resolve("tests/integration/bin/starlake-recorder");
    const args = [bin, "serve", project, "--starlake", recorder];
    const env = { ...process.env, SLO_RECORD: ws.record };
    const first = spawn(process.execPath, args, {
      env,
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 120_000,
    });
    let said = "";
    first.stderr?.on("data", (d) => {
      said += String(d);
    });
    try {
      for (let i = 0; i < 100 && !said.includes("Ctrl-C to stop"); i++) await settle(100);
      expect(said).toContain("Ctrl-C to stop");
      await settle(300);
      const second = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 60_000 });
      expect(second.status).toBe(2);
      expect(second.stderr.trim()).toMatch(
        new RegExp(
          `state\\.db: another slo serve \\(pid ${first.pid}, since .*\\) schedules this state`,
        ),
      );
    } finally {
      first.kill("SIGINT");
      await new Promise((r) => first.once("exit", r));
    }
    expect(said).toContain("slo serve: stopped");
  });
});

function settle(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(condition: () => boolean, ms = 20_000) {
  for (const end = Date.now() + ms; !condition() && Date.now() < end; ) await settle(50);
}
