import { describe, expect, it } from "vitest";
import { PipelineBuilder } from "../../src/builder/pipeline-builder.js";
import { toDot } from "../../src/graph/dot.js";
import { toMermaid } from "../../src/graph/mermaid.js";
import { toSvg } from "../../src/graph/svg.js";

function sample(id = "shop") {
  const b = new PipelineBuilder({ id });
  const loads = b.group("load_shop", "load", () => {
    b.load({ domain: "shop", table: 'we"ird' });
  });
  b.start().before(loads).before(b.end());
  return b.build();
}

/** A report pipeline run by the dataset the `shop` pipeline's load of orders produces. */
function consumer(uri: string) {
  const b = new PipelineBuilder({
    id: "report",
    schedule: { kind: "datasets", datasets: [uri], strategy: "any" },
  });
  b.start()
    .before(b.transform({ name: "kpi.report" }))
    .before(b.end());
  return b.build();
}

describe("graph rendering", () => {
  it("draws Mermaid with prefixed ids (end is a keyword) and escaped labels", () => {
    const text = toMermaid([sample()]);
    expect(text).toBe(
      [
        "flowchart LR",
        '  n_start(["start"])',
        '  n_end(["end"])',
        '  subgraph g_load_shop["load_shop"]',
        '    n_load_shop_we_ird["load_shop_we_ird"]',
        "  end",
        "  n_load_shop_we_ird --> n_end",
        "  n_start --> n_load_shop_we_ird",
        "",
      ].join("\n"),
    );
  });

  it("draws DOT with clusters, one per pipeline when there are several", () => {
    const dot = toDot([sample("a"), sample("b")]);
    expect(dot).toContain('subgraph "cluster_p_a" {');
    expect(dot).toContain('subgraph "cluster_g_b__load_shop" {');
    expect(dot).toContain('"a__start" -> "a__load_shop_we_ird";');
  });

  it("links pipelines through the datasets that trigger them, in Mermaid and DOT", () => {
    const producer = sample("shop");
    const orders = producer.tasks.find((t) => t.kind === "load")?.produces as string;
    const pipelines = [producer, consumer(orders)];
    const mermaid = toMermaid(pipelines);
    expect(mermaid).toContain(
      `  n_shop__load_shop_we_ird -.->|"${orders.replace(/"/g, "#quot;")}"| n_report__start`,
    );
    expect(toDot(pipelines)).toContain(
      `"shop__load_shop_we_ird" -> "report__start" [style=dashed, color="#2a6ebb", fontsize=9, label="${orders.replace(/"/g, '\\"')}"];`,
    );
    // drawn alone, a pipeline has no one to link to
    expect(toMermaid([consumer(orders)])).not.toContain("-.->");
    // a dataset nobody drawn produces links nothing
    expect(toMermaid([sample("shop"), consumer("other.table")])).not.toContain("-.->");
  });

  it("renders SVG without a browser", async () => {
    const svg = await toSvg([sample()]);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*load_shop_we_ird[\s\S]*<\/svg>\s*$/);
  });
});
