// bench/dagster-load: the time to load Dagster definitions as a code location would (import the
// module, resolve every job, schedule and sensor), ours against files using the Python reference
// library (starlake-dagster 0.5, in the Dagster version it installs with) for the same load
// pipelines; and ours for the whole 1,000-table project (1,500 assets).
// Usage: npm run build && node bench/dagster-load/run.mjs (ours and the reference alternately, 3 times)
//        node bench/dagster-load/run.mjs --ours (ours only: no reference environment to build)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
for (let i = 0; i < 3; i++) {
  runs.ours.push(measure(ours, [oursLoads, oursAll]));
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
const r = oursOnly ? undefined : summary(runs.reference, referenceLoads);
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
const row = (label, x) =>
  `| ${label} | Dagster ${x.version} | ${x.files} | ${x.jobs} | ${x.assets} | ${ms(x.wall)} | ${ms(x.cpu)} |`;
console.log("| definitions | Dagster | files | jobs | assets | load time, wall | load time, CPU |");
console.log("|---|---|---:|---:|---:|---:|---:|");
console.log(row("ours, the daily load pipelines (one module)", a));
if (r) console.log(row("reference, the same pipelines (a file per pipeline)", r));
console.log(row("ours, the whole project (one module)", all));
if (r)
  console.log(
    `\nratio reference/ours: ${(r.wall / a.wall).toFixed(1)}x wall, ${(r.cpu / a.cpu).toFixed(1)}x CPU` +
      " (each figure: the median of 3 runs, ours and the reference alternately, of the sum over the" +
      " files of each file's median of 4 loads)",
  );
rmSync(work, { recursive: true, force: true });
