// bench/dagster-load: the time to load Dagster definitions as a code location would (import the
// module, resolve every job, schedule and sensor), ours against files using the Python reference
// library (starlake-dagster 0.5, in the Dagster version it installs with) for the same load
// pipelines; and ours for the whole 1,000-table project (1,500 assets).
// Usage: npm run build && node bench/dagster-load/run.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dagster } from "../../dist/backends/dagster/dagster-orchestrator.js";
import { planProject } from "../../dist/index.js";
import { referenceDag } from "../airflow-parse/reference-dag.mjs";
import { generateProject } from "../compile/generate.mjs";

const work = mkdtempSync(join(tmpdir(), "slo-bench-dagster-"));
const env = (name) =>
  execFileSync("bash", ["scripts/python-env.sh", name], { encoding: "utf8" }).trim();
const ours = env("dagster");
const reference = env("dagster-reference");

const project = join(work, "project");
generateProject(project, 1000);
writeFileSync(
  join(project, "metadata/dags/load_per_domain.sl.yml"),
  `version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "bench_{{domain}}_{{schedule}}.py"\n  options:\n    sl_env_var: '{"SL_ROOT": "/srv/bench"}'\n    pre_load_strategy: imported\n`,
);
const { pipelines } = await planProject(project, { vars: { SL_ROOT: "/srv/bench" }, env: {} });
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
  dagster.render(pipelines, { source: "bench" })[0].content,
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
const a = measure(ours, [oursLoads, oursAll]);
const r = measure(reference, [referenceLoads]);
const row = (label, version, x) =>
  `| ${label} | Dagster ${version} | ${x.files} | ${x.jobs} | ${x.assets} | ${(x.total_seconds * 1000).toFixed(0)} ms |`;
console.log(
  "| definitions | Dagster | files | jobs | assets | load time (median of 4, all files) |",
);
console.log("|---|---|---:|---:|---:|---:|");
console.log(row("ours, the daily load pipelines (one module)", a.dagster, a[oursLoads]));
console.log(
  row("reference, the same pipelines (a file per pipeline)", r.dagster, r[referenceLoads]),
);
console.log(row("ours, the whole project (one module)", a.dagster, a[oursAll]));
console.log(
  `\nratio reference/ours: ${(r[referenceLoads].total_seconds / a[oursLoads].total_seconds).toFixed(1)}x`,
);
rmSync(work, { recursive: true, force: true });
