import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyProject, runStarlake, SAMPLES } from "../helpers/starlake-cli.js";

/**
 * `--tags`, `--domains` and `--tasks` select what real `starlake dag-generate` 1.5.16 selects:
 * the same DAG files, and in the file of all the loads the same tables. Starbake, tagged here:
 * orders [finance, daily], products [catalog], every kpi task [kpi] from the folder default,
 * kpi.revenue_summary also [finance] of its own (Starlake merges the two).
 */
const CASES: readonly string[][] = [
  [],
  ["--tags", "finance"],
  ["--tags", "catalog,daily"],
  ["--tags", "kpi", "--tasks"],
  ["--domains"],
  ["--tags", "finance", "--domains"],
];

function tagged(): string {
  const dir = copyProject(join(SAMPLES, "starbake"));
  const edit = (rel: string, from: string | RegExp, to: string) => {
    const file = join(dir, "metadata", rel);
    const text = readFileSync(file, "utf8");
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${rel}: ${from} not found`);
    writeFileSync(file, next);
  };
  edit(
    "dags/airflow_transform_shell.sl.yml",
    'filename: "airflow_all_tasks.py"',
    'filename: "airflow_{{domain}}_{{table}}.py"',
  );
  edit(
    "dags/airflow_transform_shell.sl.yml",
    'run_dependencies_first: "true"',
    'run_dependencies_first: "false"',
  );
  edit("load/starbake/orders.sl.yml", /^( {2}pattern: .*)$/m, "$1\n  tags: [finance, daily]");
  edit("load/starbake/products.sl.yml", /^( {2}pattern: .*)$/m, "$1\n  tags: [catalog]");
  edit("transform/kpi/_config.sl.yml", "  default:\n", "  default:\n    tags: [kpi]\n");
  writeFileSync(
    join(dir, "metadata/transform/kpi/revenue_summary.sl.yml"),
    "version: 1\ntask:\n  tags: [finance]\n",
  );
  return dir;
}

interface Selected {
  readonly files: string[];
  /** Domains and tables named in the file of the loads. */
  readonly loads: string[];
}

function ours(dir: string, flags: readonly string[]): Selected {
  const out = execFileSync(
    process.execPath,
    [resolve("dist/cli/bin.js"), "plan", dir, "--sl-env", "DUCKDB", ...flags, "--json"],
    { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] },
  );
  const { pipelines } = JSON.parse(out) as {
    pipelines: Array<{
      source: { file: string };
      tasks: Array<{ kind: string; domain?: string; table?: string }>;
    }>;
  };
  const loads = pipelines
    .flatMap((p) => p.tasks)
    .filter((t) => t.kind === "load")
    .flatMap((t) => [t.domain ?? "", t.table ?? ""]);
  return { files: pipelines.map((p) => p.source.file).sort(), loads: [...new Set(loads)].sort() };
}

function theirs(out: string): Selected {
  const files = readdirSync(out)
    .filter((f) => f.endsWith(".py"))
    .sort();
  const all = files.includes("airflow_all_tables.py")
    ? readFileSync(join(out, "airflow_all_tables.py"), "utf8")
    : "";
  const names = [...all.matchAll(/^\s+name='([^']*)',/gm)].map((m) => m[1] as string);
  return { files, loads: [...new Set(names.filter((n) => n !== "None"))].sort() };
}

describe("selection: slo and the real starlake dag-generate select the same", () => {
  const results = new Map<string, Selected>();
  let dir: string;
  beforeAll(async () => {
    dir = tagged();
    for (const flags of CASES) {
      const out = join(dir, `out-${results.size}`);
      const r = await runStarlake(dir, ["dag-generate", "--clean", "--outputDir", out, ...flags], {
        SL_ENV: "DUCKDB",
      });
      if (r.code !== 0)
        throw new Error(`dag-generate ${flags.join(" ")}: ${r.output.slice(-2000)}`);
      results.set(flags.join(" "), theirs(out));
    }
  }, 1_800_000);

  it.each(CASES.map((flags) => ({ flags })))("$flags", ({ flags }) => {
    const expected = results.get(flags.join(" "));
    expect(expected?.files.length).toBeGreaterThan(0);
    expect(ours(dir, flags)).toEqual(expected);
  });
});
