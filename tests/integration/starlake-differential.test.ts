import { execFileSync } from "node:child_process";
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonEnv } from "../helpers/python-env.js";
import {
  bootstrapProject,
  copyProject,
  runStarlake,
  SAMPLES,
  type StarlakeResult,
} from "../helpers/starlake-cli.js";
import { airflowShape, type DagShape, pipelineShape } from "./dag-shape.js";

/**
 * Differential check against the real Starlake CLI 1.5.16 on real projects: `starlake validate`
 * accepts exactly the projects `slo validate` accepts, and the DAGs of `starlake dag-generate`
 * (its standard templates, loaded in real Airflow with the Python library they import) have the
 * pipelines, tasks, dependencies and schedules of ours.
 */

interface Case {
  readonly name: string;
  readonly source: string;
  readonly slEnv?: string;
  /** Project variables: exported to Starlake, `--var` to slo. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Breaks the copy in one place. */
  readonly spoil?: (dir: string) => void;
  /** Compare `dag-generate` output (standard templates only). */
  readonly dags?: boolean;
  /** The file both must name when they reject the project. */
  readonly names?: string;
}

const starbake = join(SAMPLES, "starbake");
/** Stands for the project `starlake bootstrap --template sample-project` makes (made once). */
const BOOTSTRAPPED = "starlake bootstrap --template sample-project";
/** The project `starlake bootstrap --template empty-project` makes: all its dag configs, no table. */
const EMPTY = "starlake bootstrap --template empty-project";
const CASES: readonly Case[] = [
  // StarBake as the Starlake jar ships it: its orders say `schedule: hourly`, a preset only
  // dag-generate knows; Starlake's validate reports it (with exit code 0), and we refuse it.
  { name: "bootstrap sample", source: BOOTSTRAPPED, names: "metadata/load/starbake/orders.sl.yml" },
  {
    name: "bootstrap sample, its hourly preset declared",
    source: BOOTSTRAPPED,
    dags: true,
    spoil: (dir) => useDagConfigs(dir, "airflow_load_shell", "airflow_transform_shell"),
  },
  // Its other standard dag configs: Snowflake's (run in the shell by slo, with a warning)...
  {
    name: "bootstrap sample, its Snowflake dag configs",
    source: BOOTSTRAPPED,
    spoil: (dir) => useDagConfigs(dir, "snowflake_load_sql", "snowflake_transform-top-down_sql"),
  },
  // ...and two orchestrators at once, which Starlake's validate refuses
  {
    name: "bootstrap sample, Snowflake loads and Dagster transforms",
    source: BOOTSTRAPPED,
    names: "metadata/dags/snowflake_load_sql.sl.yml",
    spoil: (dir) => useDagConfigs(dir, "snowflake_load_sql", "dagster_transform_shell"),
  },
  // Its other connections: the SQL of its transforms read in BigQuery's, Snowflake's and
  // Postgres's dialects, the DAGs compared again.
  ...["BQ", "SNOW", "PG"].map((slEnv) => ({
    name: `bootstrap sample, its hourly preset declared, SL_ENV=${slEnv}`,
    source: BOOTSTRAPPED,
    slEnv,
    dags: true,
    spoil: (dir: string) => useDagConfigs(dir, "airflow_load_shell", "airflow_transform_shell"),
  })),
  // Its Fargate and Cloud Run configs leave their required options commented out: Starlake's
  // validate does not read options, and ours says them as warnings (generate and run refuse).
  {
    name: "bootstrap sample, its Fargate dag configs",
    source: BOOTSTRAPPED,
    spoil: (dir) => useDagConfigs(dir, "airflow_load_fargate", "airflow_transform_fargate"),
  },
  {
    name: "bootstrap sample, its Cloud Run dag configs",
    source: BOOTSTRAPPED,
    spoil: (dir) =>
      useDagConfigs(dir, "airflow_load_cloud_run", "airflow_scheduled_transform_cloud_run"),
  },
  {
    name: "bootstrap sample, its Dagster dag configs",
    source: BOOTSTRAPPED,
    spoil: (dir) => useDagConfigs(dir, "dagster_load_shell", "dagster_scheduled_transform_shell"),
  },
  { name: "empty project", source: EMPTY },
  { name: "starbake", source: starbake, slEnv: "DUCKDB", dags: true },
  // Keys Starlake's schema does not know (`metadata.write`): rejected by both.
  {
    name: "bigquery",
    source: join(SAMPLES, "bigquery"),
    vars: { SL_CONNECTION: "bigquery" },
    names: "metadata/load/hr/locations.sl.yml",
  },
  // Custom templates, some dag configs referenced by nothing: accepted by both.
  { name: "duckdb", source: join(SAMPLES, "duckdb") },
  // connectionRef "{{ACTIVE_CONNECTION}}" unset: "connectionRef must be defined" in Starlake.
  { name: "ducklake", source: join(SAMPLES, "ducklake"), names: "metadata/application.sl.yml" },
  {
    name: "ducklake, its connection chosen",
    source: join(SAMPLES, "ducklake"),
    vars: { ACTIVE_CONNECTION: "ducklake_local" },
  },
  {
    name: "starbake, a dagRef to no dag config",
    source: starbake,
    slEnv: "DUCKDB",
    names: "metadata/application.sl.yml",
    spoil: (dir) => {
      const app = join(dir, "metadata/application.sl.yml");
      const text = readFileSync(app, "utf8");
      writeFileSync(app, text.replace('load: "airflow_load_shell"', 'load: "no_such_config"'));
    },
  },
  // Every table and task names an Airflow config; the application's load dagRef, used by none,
  // names a Dagster one: Starlake's validate counts it among the orchestrators and refuses.
  {
    name: "starbake, an application dagRef no table uses, for another orchestrator",
    source: starbake,
    slEnv: "DUCKDB",
    names: "metadata/dags/dagster_load_shell.sl.yml",
    spoil: (dir) => {
      const edit = (rel: string, from: string, to: string) => {
        const path = join(dir, rel);
        const text = readFileSync(path, "utf8");
        if (!text.includes(from)) throw new Error(`${rel} no longer has ${from}`);
        writeFileSync(path, text.replace(from, to));
      };
      edit(
        "metadata/load/starbake/_config.sl.yml",
        "  metadata:\n",
        '  metadata:\n    dagRef: "airflow_load_shell"\n',
      );
      edit(
        "metadata/transform/kpi/_config.sl.yml",
        "  default:\n",
        '  default:\n    dagRef: "airflow_transform_shell"\n',
      );
      edit(
        "metadata/application.sl.yml",
        'load: "airflow_load_shell"',
        'load: "dagster_load_shell"',
      );
    },
  },
  {
    name: "starbake, a table file that is not YAML",
    source: starbake,
    slEnv: "DUCKDB",
    names: "metadata/load/starbake/orders.sl.yml",
    spoil: (dir) => appendFileSync(join(dir, "metadata/load/starbake/orders.sl.yml"), "\n  : [\n"),
  },
  // Starlake lists domain and transform folders recursively but reads each file by its name from
  // the folder itself (SchemaHandler.loadTableRefs, loadAutoTaskFiles): docs/reading-projects.md.
  {
    name: "starbake, a table file in a sub-folder of its domain",
    source: starbake,
    slEnv: "DUCKDB",
    names: "metadata/load/starbake/more/extra_products.sl.yml",
    spoil: (dir) => {
      const domain = join(dir, "metadata/load/starbake");
      const text = readFileSync(join(domain, "products.sl.yml"), "utf8");
      mkdirSync(join(domain, "more"));
      writeFileSync(
        join(domain, "more/extra_products.sl.yml"),
        text.replace(/"products"/, '"extra_products"'),
      );
    },
  },
  {
    name: "starbake, a table file in a sub-folder named like one of its domain",
    source: starbake,
    slEnv: "DUCKDB",
    names: "metadata/load/starbake/more/products.sl.yml",
    spoil: (dir) => {
      const domain = join(dir, "metadata/load/starbake");
      mkdirSync(join(domain, "more"));
      copyFileSync(join(domain, "products.sl.yml"), join(domain, "more/products.sl.yml"));
    },
  },
  {
    // Starlake renders {{task}} as the full domain.task and a missing schedule as None
    name: "starbake, a DAG per transform named by {{task}} and {{schedule}}",
    source: starbake,
    slEnv: "DUCKDB",
    dags: true,
    spoil: (dir) => {
      const config = join(dir, "metadata/dags/airflow_transform_shell.sl.yml");
      const text = readFileSync(config, "utf8");
      writeFileSync(
        config,
        text.replace('filename: "airflow_all_tasks.py"', 'filename: "t_{{task}}_{{schedule}}.py"'),
      );
    },
  },
  {
    // StarBake on GitHub still writes the option's old name: Starlake ignores it, and so do we
    name: "starbake, the legacy load_dependencies option",
    source: starbake,
    slEnv: "DUCKDB",
    dags: true,
    spoil: (dir) => {
      const config = join(dir, "metadata/dags/airflow_transform_shell.sl.yml");
      const text = readFileSync(config, "utf8");
      writeFileSync(config, text.replace("run_dependencies_first:", "load_dependencies:"));
    },
  },
  {
    name: "starbake, task files in a sub-folder of a transform folder",
    source: starbake,
    slEnv: "DUCKDB",
    dags: true,
    spoil: (dir) => {
      const kpi = join(dir, "metadata/transform/kpi");
      mkdirSync(join(kpi, "sub"));
      copyFileSync(join(kpi, "order_summary.sql"), join(kpi, "sub/sub_summary.sql"));
      writeFileSync(
        join(kpi, "sub/sub_task.sl.yml"),
        "task:\n  writeStrategy:\n    type: OVERWRITE\n",
      );
    },
  },
];

/** Points the bootstrap sample's application dagRefs elsewhere, with its hourly preset declared. */
function useDagConfigs(dir: string, load: string, transform: string): void {
  const app = join(dir, "metadata/application.sl.yml");
  const text = readFileSync(app, "utf8")
    .replace('load: "airflow_load_shell"', `load: "${load}"`)
    .replace('transform: "airflow_transform_shell"', `transform: "${transform}"`)
    .replace('    daily: "0 0 * * *"\n', '    daily: "0 0 * * *"\n    hourly: "0 * * * *"\n');
  if (!text.includes(load) || !text.includes(transform))
    throw new Error("the sample's dagRef moved");
  writeFileSync(app, text);
}

interface Outcome {
  readonly dir: string;
  readonly validate: StarlakeResult;
  readonly dagGenerate?: StarlakeResult;
}

/** Runs real Starlake for every case, two JVMs at a time (each takes about 1 GB and a core). */
async function runAll(): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const queue = [...CASES];
  const sample = bootstrapProject("sample-project");
  const empty = bootstrapProject("empty-project");
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const source =
        c.source === BOOTSTRAPPED ? await sample : c.source === EMPTY ? await empty : c.source;
      const dir = copyProject(source);
      c.spoil?.(dir);
      const env: Record<string, string> = { ...c.vars, ...(c.slEnv ? { SL_ENV: c.slEnv } : {}) };
      const validate = await runStarlake(dir, ["validate"], env);
      const dagGenerate = c.dags
        ? await runStarlake(dir, ["dag-generate", "--clean"], env)
        : undefined;
      outcomes.set(c.name, { dir, validate, dagGenerate });
    }
  };
  await Promise.all([worker(), worker()]);
  return outcomes;
}

/** Real Starlake accepts a project when validate exits 0 and reports no error. */
function starlakeAccepts(r: StarlakeResult): boolean {
  return r.code === 0 && !/^Found \d+ errors?/m.test(r.output);
}

function slo(args: readonly string[]): { code: number; stdout: string } {
  try {
    const stdout = execFileSync(process.execPath, [resolve("dist/cli/bin.js"), ...args], {
      encoding: "utf8",
      timeout: 120_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, stdout: err.stdout };
  }
}

const envArgs = (c: Case) => [
  ...(c.slEnv ? ["--sl-env", c.slEnv] : []),
  ...Object.entries(c.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}=${v}`]),
];

describe("slo and the real Starlake CLI read the same projects the same way", () => {
  let outcomes: Map<string, Outcome>;
  beforeAll(async () => {
    outcomes = await runAll();
  }, 1_800_000);

  for (const c of CASES) {
    it(`${c.name}: accepted or rejected by both`, () => {
      const o = outcomes.get(c.name);
      if (!o) throw new Error(`no outcome for ${c.name}`);
      const theirs = starlakeAccepts(o.validate);
      const ours = slo(["validate", o.dir, "--json", ...envArgs(c)]);
      const report = JSON.parse(ours.stdout) as {
        ok: boolean;
        diagnostics: Array<{ severity: string; file?: string; message: string }>;
      };
      const errors = report.diagnostics.filter((d) => d.severity === "error");
      expect(
        { starlake: theirs, slo: report.ok },
        `starlake said:\n${o.validate.output.slice(-3000)}\nslo said:\n${JSON.stringify(errors, null, 1)}`,
      ).toEqual({ starlake: theirs, slo: theirs });
      expect(ours.code).toBe(theirs ? 0 : 2);
      if (c.names) {
        expect(theirs).toBe(false);
        expect(errors.map((e) => e.file)).toContain(c.names);
      }
    });
  }

  for (const c of CASES.filter((x) => x.dags)) {
    it(`${c.name}: the DAGs of starlake dag-generate, loaded in Airflow, have our pipelines' shape`, () => {
      const o = outcomes.get(c.name);
      if (!o?.dagGenerate) throw new Error(`no dag-generate for ${c.name}`);
      expect(o.dagGenerate.code, o.dagGenerate.output.slice(-3000)).toBe(0);
      const venv = pythonEnv("airflow-reference");
      const view = join(o.dir, "reference-dags.json");
      execFileSync(
        join(venv, "bin/python"),
        ["tests/integration/airflow/inspect_dags.py", join(o.dir, "metadata/.build/dags"), view],
        {
          env: { ...process.env, AIRFLOW_HOME: join(o.dir, ".airflow") },
          stdio: "ignore",
          timeout: 300_000,
        },
      );
      const reference = JSON.parse(readFileSync(view, "utf8")) as {
        import_errors: Record<string, string>;
        dags: Record<string, Parameters<typeof airflowShape>[0]>;
      };
      expect(reference.import_errors).toEqual({});
      const theirs: Record<string, DagShape> = {};
      // Our ids keep only [A-Za-z0-9_] (docs/python-mapping.md): `t_kpi.order_summary` is ours
      // `t_kpi_order_summary`. Nothing else of the id may differ.
      for (const [id, dag] of Object.entries(reference.dags))
        theirs[id.replace(/[^A-Za-z0-9_]/g, "_")] = airflowShape(dag);
      const plan = JSON.parse(slo(["plan", o.dir, "--json", ...envArgs(c)]).stdout) as {
        pipelines: Parameters<typeof pipelineShape>[0][];
      };
      const ours: Record<string, DagShape> = {};
      for (const p of plan.pipelines) ours[p.id] = pipelineShape(p);
      expect(Object.keys(theirs).length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
    });
  }
});
