import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { pythonEnv } from "../helpers/python-env.js";
import { copyProject, runStarlake } from "../helpers/starlake-cli.js";

/**
 * examples/cloud, the documented dag config of each cloud environment: `slo generate` writes its
 * Airflow files, and real Airflow 3.3 with the Google and Amazon providers (the airflow-cloud
 * environment) imports them with zero errors (tests/integration/airflow/inspect_cloud.py); its
 * Dagster definitions pass `dagster definitions validate` with dagster-gcp and dagster-aws (the
 * dagster-cloud environment); real Starlake 1.5.16 validates the project.
 */
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "slo-cloud-example-"));
const airflowOut = join(work, "airflow");
const venv = () => pythonEnv("airflow-cloud");

interface Folder {
  import_errors: Record<string, string>;
  dags: Record<string, { tasks: Record<string, { type: string; is_teardown: boolean }> }>;
}
let loaded: Folder;

beforeAll(async () => {
  const generated = await runCli([
    "generate",
    "examples/cloud",
    "--orchestrator",
    "airflow",
    "--out",
    airflowOut,
    "--var",
    "SL_ROOT=/srv/cloud",
  ]);
  expect(generated.stderr).toBe("");
  expect(generated.code).toBe(0);
  const home = join(work, "home");
  mkdirSync(home, { recursive: true });
  const out = join(work, "view.json");
  await run(
    join(venv(), "bin/python"),
    ["tests/integration/airflow/inspect_cloud.py", out, airflowOut],
    { env: { ...process.env, AIRFLOW_HOME: home }, timeout: 600_000 },
  );
  loaded = (JSON.parse(readFileSync(out, "utf8")) as Record<string, Folder>)[airflowOut] as Folder;
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("examples/cloud", () => {
  it("generates one Airflow file per pipeline, which real Airflow imports with zero errors", () => {
    expect(
      readdirSync(airflowOut)
        .filter((f) => f.endsWith(".py"))
        .sort(),
    ).toEqual([
      "pedal_kpi_revenue_per_bike.py",
      "pedal_load_payments.py",
      "pedal_load_rides.py",
      "pedal_load_stations.py",
    ]);
    expect(loaded.import_errors).toEqual({});
    expect(Object.keys(loaded.dags).sort()).toEqual([
      "pedal_kpi_revenue_per_bike",
      "pedal_load_payments",
      "pedal_load_rides",
      "pedal_load_stations",
    ]);
  });

  it("each domain runs in its environment's operators", () => {
    const types = (dag: string) =>
      Object.fromEntries(
        Object.entries(loaded.dags[dag]?.tasks ?? {})
          .filter(([, t]) => !t.type.endsWith("EmptyOperator"))
          .map(([id, t]) => [id, t.type]),
      );
    expect(types("pedal_load_rides")).toEqual({ load_rides_trips: "CloudRunExecuteJobOperator" });
    expect(types("pedal_kpi_revenue_per_bike")).toEqual({
      kpi_revenue_per_bike: "CloudRunExecuteJobOperator",
    });
    expect(types("pedal_load_payments")).toEqual({
      create_pedal_load_payments_cluster: "DataprocCreateClusterOperator",
      load_payments_charges: "DataprocSubmitJobOperator",
      load_payments_refunds: "DataprocSubmitJobOperator",
      delete_pedal_load_payments_cluster: "DataprocDeleteClusterOperator",
    });
    expect(
      loaded.dags.pedal_load_payments?.tasks.delete_pedal_load_payments_cluster?.is_teardown,
    ).toBe(true);
    expect(types("pedal_load_stations")).toEqual({ load_stations_docks: "EcsRunTaskOperator" });
  });

  it("the generated files are ruff-clean", async () => {
    for (const args of [
      ["format", "--isolated", "--check"],
      ["check", "--isolated"],
    ])
      await run(join(venv(), "bin/ruff"), [...args, airflowOut], { timeout: 60_000 });
  });

  it("slo run --dry-run says where each pipeline's commands run: the cloud, not this machine", async () => {
    const r = await runCli(["run", "examples/cloud", "--dry-run", "--date", "2026-03-01"]);
    expect(r.code, r.stderr).toBe(0);
    const runners = r.stdout.split("\n").filter((l) => l.startsWith("  ("));
    expect(runners).toEqual([
      "  (runs on Dataproc: a Spark job (ai.starlake.job.Main) per task, on a cluster pedal-… in pedal-analytics/europe-west1 made for the run; the commands below run there)",
      "  (runs on Cloud Run: an execution of job starlake in pedal-analytics/europe-west1 per task; the commands below run there)",
      "  (runs on AWS Fargate: a task of starlake:4 (container starlake) per task, in cluster pedal, eu-west-3; the commands below run there)",
      "  (runs on Cloud Run: an execution of job starlake in pedal-analytics/europe-west1 per task; the commands below run there)",
    ]);
    // the arguments the cloud job is given, with the Starlake of its image
    expect(r.stdout).toContain(
      "  load_rides_trips: starlake load --scheduledDate 2026-03-01T03:00:00+0000 --domains rides --tables trips --options SL_ROOT=gs://pedal-data/starlake,SL_ENV=BQ\n",
    );
  });

  it("generates Dagster definitions that real Dagster validates with dagster-gcp and dagster-aws", async () => {
    const out = join(work, "dagster");
    const generated = await runCli([
      "generate",
      "examples/cloud",
      "--orchestrator",
      "dagster",
      "--out",
      out,
      "--var",
      "SL_ROOT=/srv/cloud",
    ]);
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    const modules = readdirSync(out).filter((f) => f.endsWith(".py"));
    expect(modules).toHaveLength(1);
    const home = join(work, "dagster-home");
    mkdirSync(home, { recursive: true });
    const dagster = join(pythonEnv("dagster-cloud"), "bin/dagster");
    const r = await run(
      dagster,
      ["definitions", "validate", "-f", join(out, modules[0] as string)],
      {
        cwd: out,
        env: { ...process.env, DAGSTER_HOME: home },
        timeout: 300_000,
      },
    );
    expect(`${r.stdout}${r.stderr}`).toMatch(/Validation successful/i);
  }, 600_000);

  it("real Starlake validates it with no error or warning", async () => {
    const r = await runStarlake(copyProject("examples/cloud"), ["validate"]);
    expect(r.code, r.output.slice(-2000)).toBe(0);
    expect(r.output).toContain("No errors or warnings found");
  }, 600_000);
});
