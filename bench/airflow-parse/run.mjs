// bench/airflow-parse: parse time in real Airflow 3.3 of our DAG files against files using the
// Python reference library (starlake-airflow 0.6) for the same load pipelines, in one Python
// process; and our parse time for one file of 1,000 tables (about 1,000 tasks).
// Usage: npm run build && node bench/airflow-parse/run.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { airflow } from "../../dist/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../dist/index.js";
import { generateProject } from "../compile/generate.mjs";
import { referenceDag } from "./reference-dag.mjs";

const work = mkdtempSync(join(tmpdir(), "slo-bench-airflow-"));
const venv = execFileSync("bash", ["scripts/python-env.sh", "airflow-reference"], {
  encoding: "utf8",
}).trim();

async function folders(name, tables, filename) {
  const project = join(work, name);
  generateProject(project, tables);
  // one file per domain (100 tables each), or one file for all, load pipelines only
  writeFileSync(
    join(project, "metadata/dags/load_per_domain.sl.yml"),
    `version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "${filename}"\n  options:\n    sl_env_var: '{"SL_ROOT": "/srv/bench"}'\n    pre_load_strategy: imported\n`,
  );
  const { pipelines, diagnostics } = await planProject(project, {
    vars: { SL_ROOT: "/srv/bench" },
    env: {},
  });
  if (pipelines.length === 0) throw new Error(JSON.stringify(diagnostics.slice(0, 3)));
  const loads = pipelines.filter(
    (p) => p.kind === "load" && p.schedule.kind === "cron" && p.schedule.cron === "0 2 * * *",
  );
  const ours = join(work, `${name}-ours`);
  const reference = join(work, `${name}-reference`);
  mkdirSync(ours);
  mkdirSync(reference);
  for (const f of airflow.render(loads, { source: name }))
    writeFileSync(join(ours, f.path), f.content);
  const options = {
    sl_env_var: '{"SL_ROOT": "/srv/bench"}',
    pre_load_strategy: "imported",
    SL_TIMEZONE: "UTC",
  };
  for (const p of loads) writeFileSync(join(reference, `${p.id}.py`), referenceDag(p, options));
  return { ours, reference };
}

const perDomain = await folders("per-domain", 1000, "bench_{{domain}}_{{schedule}}.py");
const single = await folders("single", 1000, "bench_all_{{schedule}}.py");
const row = (label, r) =>
  `| ${label} | ${r.files} | ${r.tasks} | ${(r.median_file_seconds * 1000).toFixed(1)} ms | ${(r.total_seconds * 1000).toFixed(0)} ms | ${(r.first_file_seconds * 1000).toFixed(0)} ms |`;
for (const mode of ["cached", "compile"]) {
  const out = execFileSync(
    join(venv, "bin/python"),
    [
      "bench/airflow-parse/measure.py",
      "7",
      mode,
      perDomain.ours,
      perDomain.reference,
      single.ours,
      single.reference,
    ],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        AIRFLOW_HOME: join(work, `home-${mode}`),
        AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      },
      maxBuffer: 1 << 26,
    },
  );
  const result = JSON.parse(
    out
      .split("\n")
      .find((l) => l.startsWith("SLO_RESULT "))
      .slice(11),
  );
  const [a, b, c, d] = [perDomain.ours, perDomain.reference, single.ours, single.reference].map(
    (k) => result[k],
  );
  console.log(
    mode === "cached"
      ? "\nBytecode cached (a dag processor's default: it writes __pycache__ and reuses it):\n"
      : "\nCompiled on every parse (read-only dags folder, or PYTHONDONTWRITEBYTECODE):\n",
  );
  console.log(
    "| DAG files | files | tasks | median parse per file | all files | first file (cold imports) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  console.log(row("ours, a file per domain (100 tables)", a));
  console.log(row("reference, a file per domain (100 tables)", b));
  console.log(row("ours, one file of 1,000 tables", c));
  console.log(row("reference, one file of 1,000 tables", d));
  console.log(
    `\nratio reference/ours per file: ${(b.median_file_seconds / a.median_file_seconds).toFixed(1)}x (per domain), ${(d.median_file_seconds / c.median_file_seconds).toFixed(1)}x (1,000 tables)`,
  );
}
rmSync(work, { recursive: true, force: true });
