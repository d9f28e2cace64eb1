import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixture } from "../helpers/fixture.js";

const bakery = ["examples/bakery", "--var", "SL_ROOT=/srv/bakery"];

describe("slo", () => {
  it("plan --json prints the pipeline model", async () => {
    const r = await runCli(["plan", ...bakery, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const { pipelines, lineage } = JSON.parse(r.stdout);
    expect(pipelines.map((p: { id: string }) => p.id)).toContain("bakery_load_shop_daily");
    // the project-wide lineage, also with a selection of pipelines
    expect(lineage.production_batch_cost).toEqual([
      "kitchen_ingredients",
      "production_ingredient_usage",
    ]);
    const one = await runCli(["plan", ...bakery, "--json", "--pipeline", "bakery_load_shop_daily"]);
    expect(JSON.parse(one.stdout).lineage).toEqual(lineage);
  });

  it("plan prints a readable table, and --pipeline selects", async () => {
    const r = await runCli(["plan", ...bakery, "--pipeline", "bakery_load_supply_on_ack"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "bakery_load_supply_on_ack  [load]  cron 30 5 * * 1-5 (cron_30_5_x_x_1to5, UTC)",
    );
    expect(r.stdout).toMatch(
      /check_supply_ack_file\s+preload\s+pre_load_supply\s+start\s+preload --domain supply --tables deliveries --strategy ack/,
    );
    expect(r.stdout).toContain(
      "  wait: check_supply_ack_file checks every 300 s for up to 600 s, then skips its loads\n",
    );
    expect(r.stdout).toMatch(/1 pipeline\(s\), 4 task\(s\)\n$/);
    const unknown = await runCli(["plan", ...bakery, "--pipeline", "bakery_load_supply_on_akc"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      "error[bad_input]: --pipeline bakery_load_supply_on_akc: no such pipeline; did you mean bakery_load_supply_on_ack?",
    );
  });

  it("graph writes Mermaid, DOT and SVG", async () => {
    const out = fixture({});
    for (const format of ["mermaid", "dot", "svg"]) {
      const file = join(out, `g.${format}`);
      const r = await runCli([
        "graph",
        ...bakery,
        "--pipeline",
        "bakery_load_shop_daily",
        "--format",
        format,
        "-o",
        file,
      ]);
      expect(r.code).toBe(0);
      expect(existsSync(file)).toBe(true);
    }
    expect(readFileSync(join(out, "g.mermaid"), "utf8")).toMatch(/^flowchart LR\n/);
    expect(readFileSync(join(out, "g.dot"), "utf8")).toMatch(
      /^digraph "bakery_load_shop_daily" \{/,
    );
    expect(readFileSync(join(out, "g.svg"), "utf8")).toContain("check_shop_incoming_files");
    const bad = await runCli(["graph", ...bakery, "--format", "png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'png' is invalid/);
  });

  it("every verb has --help, and --version prints the version", async () => {
    for (const verb of ["validate", "plan", "graph"]) {
      const r = await runCli([verb, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: slo ${verb} \\[options\\] <project>`));
    }
    const v = await runCli(["--version"]);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("the built bin runs as a program and exits 2 on bad input", () => {
    expect(existsSync("dist/cli/bin.js"), "run `npm run build` first (npm test does)").toBe(true);
    const ok = execFileSync(process.execPath, ["dist/cli/bin.js", "validate", "examples/minimal"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(ok).toMatch(/^ok: 3 pipeline\(s\)/);
    const bad = spawnSync(process.execPath, ["dist/cli/bin.js", "plan", "no/such/folder"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("slo with hostile names", () => {
  const hostile = ["tests/fixtures/hostile", "--var", "SL_ROOT=/srv/h"];

  it("plan keeps one line per task and quotes commands as bash would read them", async () => {
    const r = await runCli(["plan", ...hostile]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("  check_") || l.startsWith("  load_"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(
      "preload --domain $'dom\\'ain \"x\" $(touch /tmp/slo-pwned) `id` é\\nline2'",
    );
  });

  it("a diagnostic about a name with a newline stays on one line", async () => {
    const root = fixture({
      "metadata/load/odd/_config.sl.yml":
        'version: 1\nload:\n  name: "a\\nb"\n  metadata:\n    dagRef: nope\n',
      "metadata/load/odd/t.sl.yml": "version: 1\ntable:\n  name: t\n",
    });
    const r = await runCli(["validate", root]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      'metadata/load/odd/_config.sl.yml:5:13: error[unknown_dag_ref]: table a\\nb.t: dagRef "nope" names no file metadata/dags/nope.sl.yml; metadata/dags/ has no dag config',
    ]);
  });
});
