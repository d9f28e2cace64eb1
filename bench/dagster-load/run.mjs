// bench/dagster-load: the time to load Dagster definitions as a code location would (import the
// module, resolve every job, schedule and sensor), ours against files using the Python reference
// library (starlake-dagster 0.5, in the Dagster version it installs with: it cannot run on 1.13,
// see docs/benchmarks.md) for the same load pipelines; ours for the whole 1,000-table project
// (1,500 assets); and, in the same process as ours, Dagster's own cost for the same 1,500 assets
// as bare executable assets (same keys, groups and lineage; no jobs, schedules or partitions).
// Usage: npm run build && node bench/dagster-load/run.mjs (ours and the reference alternately, 3 times)
//        node bench/dagster-load/run.mjs --ours (ours only: no reference environment to build)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { dagster } from "../../dist/backends/dagster/dagster-orchestrator.js";
import { assetLineage } from "../../dist/compile/asset-lineage.js";
import { planProject } from "../../dist/index.js";
import { referenceDag } from "../airflow-parse/reference-dag.mjs";
import { generateProject } from "../compile/generate.mjs";

const work = mkdtempSync(join(tmpdir(), "slo-bench-dagster-"));
const env = (name) =>
  execFileSync("bash", ["scripts/python-env.sh", name], { encoding: "utf8" }).trim();
const ours = env("dagster");
const oursOnly = process.argv.includes("--ours");
const reference = oursOnly ? undefined : env("dagster-reference");

const project = join(work, "project");
generateProject(project, 1000);
writeFileSync(
  join(project, "metadata/dags/load_per_domain.sl.yml"),
  `version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "bench_{{domain}}_{{schedule}}.py"\n  options:\n    sl_env_var: '{"SL_ROOT": "/srv/bench"}'\n    pre_load_strategy: imported\n`,
);
const plan = await planProject(project, { vars: { SL_ROOT: "/srv/bench" }, env: {} });
const { pipelines } = plan;
const loads = pipelines.filter(
  (p) => p.kind === "load" && p.schedule.kind === "cron" && p.schedule.cron === "0 2 * * *",
);
const folder = (name) => {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
};
const oursLoads = folder("ours-loads");
const oursAll = folder("ours-all");
const referenceLoads = folder("reference-loads");
writeFileSync(
  join(oursLoads, "definitions.py"),
  dagster.render(loads, { source: "bench" })[0].content,
);
writeFileSync(
  join(oursAll, "definitions.py"),
  dagster.render(pipelines, { source: "bench", lineage: assetLineage(plan.project) })[0].content,
);
const bare = folder("bare-assets");
writeFileSync(
  join(bare, "definitions.py"),
  bareAssets(readFileSync(join(oursAll, "definitions.py"), "utf8")),
);
const options = {
  sl_env_var: '{"SL_ROOT": "/srv/bench"}',
  pre_load_strategy: "imported",
  SL_TIMEZONE: "UTC",
};
for (const p of loads)
  writeFileSync(join(referenceLoads, `${p.id}.py`), referenceDag(p, options, "DAGSTER"));

const measure = (venv, folders) => {
  const out = execFileSync(
    join(venv, "bin/python"),
    ["bench/dagster-load/measure.py", "5", ...folders],
    {
      encoding: "utf8",
      cwd: process.cwd(),
      env: { ...process.env, DAGSTER_HOME: "" },
      maxBuffer: 1 << 26,
    },
  );
  return JSON.parse(
    out
      .split("\n")
      .find((l) => l.startsWith("SLO_RESULT "))
      .slice(11),
  );
};
// ours and the reference alternately, three times each: the machine's load changes as it runs
const runs = { ours: [], reference: [] };
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
const loadStart = load();
for (let i = 0; i < 3; i++) {
  runs.ours.push(measure(ours, [oursLoads, oursAll, bare]));
  if (!oursOnly) runs.reference.push(measure(reference, [referenceLoads]));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const summary = (list, folder) => ({
  ...list[0][folder],
  version: list[0].dagster,
  wall: median(list.map((x) => x[folder].total_seconds)),
  cpu: median(list.map((x) => x[folder].cpu_seconds)),
});
const a = summary(runs.ours, oursLoads);
const all = summary(runs.ours, oursAll);
const b = summary(runs.ours, bare);
const r = oursOnly ? undefined : summary(runs.reference, referenceLoads);
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
const row = (label, x) =>
  `| ${label} | Dagster ${x.version} | ${x.files} | ${x.jobs} | ${x.assets} | ${ms(x.wall)} | ${ms(x.cpu)} |`;
console.log("| definitions | Dagster | files | jobs | assets | load time, wall | load time, CPU |");
console.log("|---|---|---:|---:|---:|---:|---:|");
console.log(row("ours, the daily load pipelines (one module)", a));
if (r) console.log(row("reference, the same pipelines (a file per pipeline)", r));
console.log(row("ours, the whole project (one module)", all));
console.log(row("Dagster's bare assets, the same 1,500 (one module)", b));
console.log(
  `\nratio ours/bare assets, the whole project: ${(all.wall / b.wall).toFixed(2)}x wall, ${(all.cpu / b.cpu).toFixed(2)}x CPU`,
);
if (r)
  console.log(
    `\nratio reference/ours: ${(r.wall / a.wall).toFixed(1)}x wall, ${(r.cpu / a.cpu).toFixed(1)}x CPU` +
      " (each figure: the median of 3 runs, ours and the reference alternately, of the sum over the" +
      " files of each file's median of 4 loads)",
  );
console.log(`load average (1, 5, 15 min): ${loadStart} at the start, ${load()} at the end`);
rmSync(work, { recursive: true, force: true });

/**
 * A module of bare executable assets for the keys, groups and lineage of one of our modules:
 * its ASSETS literal, each entry one `@dg.asset` that does nothing.
 */
function bareAssets(ours) {
  const from = ours.indexOf("\nASSETS = {");
  const literal = ours.slice(from + 1, ours.indexOf("\n}\n", from) + 2);
  return [
    '"""1,500 bare executable assets: what Dagster itself costs for them (bench only)."""',
    "",
    "import dagster as dg",
    "",
    literal,
    "",
    "def _asset(key, a):",
    '    @dg.asset(key=key, deps=list(a["deps"]), group_name=a["group"])',
    "    def _noop():",
    "        return None",
    "",
    "    return _noop",
    "",
    "",
    "defs = dg.Definitions(assets=[_asset(key, a) for key, a in ASSETS.items()])",
    "",
  ].join("\n");
}
