import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValues } from "../../src/engine/run-values.js";
import { expectedArgv } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";

/** The hostile fixture of the Airflow test, through Dagster: loads, and argv arrive intact. */
let dg: DagsterWorkspace;
beforeAll(async () => {
  dg = new DagsterWorkspace();
  await dg.setUp("tests/fixtures/hostile");
}, 900_000);
afterAll(() => dg.tearDown());

describe("hostile names in real Dagster 1.13", () => {
  it("validate, load with sanitised keys, pass ruff", () => {
    const r = dg.validate();
    expect(r.code, r.output).toBe(0);
    const view = dg.inspect();
    expect(Object.keys(view.jobs).sort()).toEqual(["odd_load", "odd_transform"]);
    for (const [key, asset] of Object.entries(view.assets)) {
      expect(key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(asset.group).toMatch(/^[A-Za-z0-9_]+$/);
    }
    // a pool name with non-ASCII letters is kept; the op named after it keeps to ASCII
    const nodes = Object.values(view.jobs.odd_transform ?? {});
    expect(nodes.map((n) => n.pool)).toContain("p$(id)`x`{{y}}é");
    for (const n of nodes) expect(n.op).toMatch(/^[A-Za-z0-9_]+$/);
    dg.ruff(["format", "--isolated", "--check"]);
    dg.ruff(["check", "--isolated"]);
  });

  it("starlake receives the names and variables exactly, nothing is executed by a shell", () => {
    const load = dg.pipeline("odd_load");
    const ids = load.tasks
      .filter((t) => t.kind === "preload" || t.kind === "load")
      .map((t) => t.id);
    const iso = "2024-03-05T02:00:00Z";
    const r = dg.runJob(load.id, { sl_scheduled_date: "2024-03-05T02:00:00+0000" });
    expect(r.success).toBe(true);
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(load, ids, runValues(load, new Date(iso))),
    );
    expect(r.records[0]?.argv[2]).toBe('dom\'ain "x" $(touch /tmp/slo-pwned) `id` é\nline2');
    expect(r.records[0]?.env.SL_WEIRD).toBe(
      "a'b\"c $(touch /tmp/slo-pwned) `id` {{not_a_var}} café \\ end\n",
    );
    expect(r.records[0]?.env.SL_CR).toBe("a\rb\r\nc");
    expect(r.records[0]?.argv).toContain('tab$le "q" \\ back`tick` {x}\rcr\r\nend');
    expect(existsSync("/tmp/slo-pwned")).toBe(false);
    const t = dg.runJob("odd_transform", { sl_scheduled_date: "2024-03-05T02:00:00+0000" });
    expect(t.success).toBe(true);
    expect(t.records[0]?.argv.slice(3, 5)).toEqual(["--name", "k\"p $(x)\ni.r$HOME'q"]);
  });
});
