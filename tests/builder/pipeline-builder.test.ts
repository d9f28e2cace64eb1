import { describe, expect, expectTypeOf, it } from "vitest";
import { type Node, PipelineBuilder } from "../../src/builder/pipeline-builder.js";
import { ConfigError } from "../../src/errors.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";

describe("PipelineBuilder", () => {
  it("builds the load shape with groups standing for their tasks", () => {
    const b = new PipelineBuilder({
      id: "shop_daily",
      kind: "load",
      schedule: "0 2 * * *",
      timezone: "Europe/Paris",
    });
    const start = b.start();
    const domain = b.group("shop", "domain", () => {
      const loads = b.group("load_shop", "load", () => {
        b.load({ domain: "shop", table: "orders" });
        b.load({ domain: "shop", table: "customers" });
      });
      b.group("pre_load_shop", "preload", () => {
        const check = b.preload({
          domain: "shop",
          tables: ["customers", "orders"],
          strategy: "imported",
        }) as Node;
        check.before(b.stage({ domain: "shop", tables: ["customers", "orders"] }));
      }).before(loads);
    });
    start.before(domain).before(b.end());
    const p = b.build();
    expect(p.tasks.map((t) => t.id)).toEqual([
      "start",
      "check_shop_incoming_files",
      "stage_shop",
      "load_shop_customers",
      "load_shop_orders",
      "end",
    ]);
    expect(p.edges).toEqual([
      { from: "check_shop_incoming_files", to: "stage_shop" },
      { from: "load_shop_customers", to: "end" },
      { from: "load_shop_orders", to: "end" },
      { from: "stage_shop", to: "load_shop_customers" },
      { from: "stage_shop", to: "load_shop_orders" },
      { from: "start", to: "check_shop_incoming_files" },
    ]);
    expect(p.schedule).toEqual({ kind: "cron", cron: "0 2 * * *", timezone: "Europe/Paris" });
    expect(p.tasks.find((t) => t.id === "load_shop_orders")).toMatchObject({
      group: "load_shop",
      command: ["load", "--domains", "shop", "--tables", "orders"],
      scheduledDate: true,
      produces: "shop_orders",
    });
    expect(p.tasks.find((t) => t.kind === "preload")?.gate).toEqual({ strategy: "imported" });
    expect(p.tasks.find((t) => t.id === "end")?.trigger).toBe("none_failed_min_one_success");
    expect(p.datasets.map((d) => [d.uri, d.kind, d.cron])).toEqual([
      ["shop_customers", "load", "0 2 * * *"],
      ["shop_daily", "pipeline", "0 2 * * *"],
      ["shop_orders", "load", "0 2 * * *"],
    ]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it("chains with then() and accepts lists", () => {
    const b = new PipelineBuilder({ id: "kpi" });
    const [a, c] = b
      .start()
      .before([
        b.transform({ name: "kpi.a" }),
        b.transform({ name: "kpi.c", options: ["x=1", "y=2"] }),
      ]);
    (a as Node).before(b.end());
    (c as Node).before(b.end("end_c"));
    const p = b.build();
    expect(p.schedule).toEqual({ kind: "manual" });
    expect(p.tasks.find((t) => t.id === "kpi_c")?.command).toEqual([
      "transform",
      "--name",
      "kpi.c",
      "--options",
      "x=1,y=2",
    ]);
    expect(p.edges).toHaveLength(4);
  });

  it("rejects duplicate ids and cycles with the names", () => {
    const dup = new PipelineBuilder({ id: "p" });
    dup.empty("x");
    dup.empty("x");
    expect(() => dup.build()).toThrow(/duplicate task or group id x/);
    const cyc = new PipelineBuilder({ id: "p" });
    const x = cyc.empty("x");
    x.before(cyc.empty("y")).before(x);
    const r = cyc.tryBuild();
    expect(r.pipeline).toBeUndefined();
    expect(r.diagnostics[0]?.message).toBe("pipeline p: tasks form a cycle: x -> y -> x");
    expect(() => cyc.build()).toThrow(ConfigError);
  });

  it("has the types a user relies on", () => {
    const b = new PipelineBuilder({ id: "t" });
    expectTypeOf(b.start().before(b.end())).toEqualTypeOf<Node>();
    expectTypeOf(b.preload({ domain: "d", tables: [], strategy: "none" })).toEqualTypeOf<
      Node | undefined
    >();
    expectTypeOf(b.build()).toEqualTypeOf<Pipeline>();
  });
});
