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

  it("renders SVG without a browser", async () => {
    const svg = await toSvg([sample()]);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*load_shop_we_ird[\s\S]*<\/svg>\s*$/);
  });
});
