import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { toSvg } from "../../src/graph/svg.js";
import { exampleNames } from "../helpers/examples.js";

const examples = exampleNames();

/** The same SL_ROOT on every machine, and no process environment, so the golden files are stable. */
const plan = (name: string, env: Record<string, string> = {}) =>
  planProject(join("examples", name), { vars: { SL_ROOT: `/srv/${name}` }, env });

describe("examples", () => {
  it("includes the bakery and the minimal project", () => {
    expect(examples).toEqual(expect.arrayContaining(["bakery", "minimal"]));
  });

  for (const name of examples) {
    it(`${name}: plans without a problem and matches its golden IR`, async () => {
      const { pipelines, diagnostics } = await plan(name);
      expect(diagnostics).toEqual([]);
      expect(pipelines.length).toBeGreaterThan(0);
      await expect(`${JSON.stringify({ pipelines }, null, 2)}\n`).toMatchFileSnapshot(
        `../golden/${name}.plan.json`,
      );
    });

    it(`${name}: plans identically twice, whatever the time zone`, async () => {
      const first = JSON.stringify((await plan(name)).pipelines);
      const tz = process.env.TZ;
      process.env.TZ = "Pacific/Chatham";
      try {
        expect(JSON.stringify((await plan(name)).pipelines)).toBe(first);
      } finally {
        process.env.TZ = tz;
      }
    });
  }

  it("bakery: SL_ENV=DEV reads env.DEV.sl.yml over env.sl.yml", async () => {
    const dev = await planProject("examples/bakery", {
      slEnv: "DEV",
      vars: { SL_ROOT: "/srv/bakery" },
      env: {},
    });
    const shop = dev.pipelines.find((p) => p.id === "bakery_load_shop_daily");
    expect(shop?.tags).toEqual(["bakery", "crumb-dev", "shop"]);
  });

  it("bakery: an option from the environment applies when the dag config does not set it", async () => {
    const { pipelines } = await plan("bakery", { retry_delay: "42" });
    expect(pipelines.find((p) => p.id === "bakery_load_shop_daily")?.defaults.retryDelay).toBe(120);
    expect(pipelines.find((p) => p.id === "bakery_sales_customer_value")?.defaults.retryDelay).toBe(
      42,
    );
  });

  it("the README pictures are what slo graph draws today", async () => {
    const { pipelines } = await plan("bakery");
    for (const id of ["bakery_load_shop_daily", "bakery_insights_with_deps"]) {
      const chosen = pipelines.filter((p) => p.id === id);
      expect(await toSvg(chosen)).toBe(readFileSync(`docs/images/${id}.svg`, "utf8"));
    }
  });
});
