import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { periodValues } from "../../src/cli/period-text.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { AirflowClient } from "../../src/remote/airflow/airflow-client.js";
import { backfillRunPrefix } from "../../src/remote/airflow/airflow-targets.js";
import { RECORDER } from "../helpers/airflow.js";
import { runCli } from "../helpers/cli.js";
import { type AirflowServer, startAirflow } from "../helpers/remote-servers.js";

/**
 * `slo trigger`, `status` and `backfill` against a real Airflow 3.3 (`airflow standalone`: api
 * server, scheduler, dag processor) serving the bakery example's generated DAG files.
 */
const work = mkdtempSync(join(tmpdir(), "slo-remote-airflow-"));
const record = join(work, "record.jsonl");
const profiles = join(work, "profiles.yml");
const DAG = "bakery_load_shop_daily";
let server: AirflowServer;
let pipeline: Pipeline;

beforeAll(async () => {
  const root = join(work, "root");
  const dags = join(work, "dags");
  mkdirSync(root);
  mkdirSync(dags);
  const plan = await planProject("examples/bakery", {
    vars: { SL_ROOT: root },
    env: { SL_STARLAKE_PATH: RECORDER },
  });
  const found = plan.pipelines.find((p) => p.id === DAG);
  if (!found) throw new Error(`no pipeline ${DAG}`);
  pipeline = found;
  for (const f of airflow.render([pipeline], { source: "examples/bakery" }))
    writeFileSync(join(dags, f.path), f.content);
  server = await startAirflow(
    dags,
    join(work, "home"),
    [DAG],
    { SLO_RECORD: record },
    // the pools the pipeline declares (one writer per DuckDB file) exist, as a deployment makes them
    { loads: 4, ...pipeline.pools },
  );
  writeFileSync(
    profiles,
    [
      "profiles:",
      "  af:",
      "    kind: airflow",
      `    url: ${server.url}`,
      "    username_env: SLO_TEST_AF_USER",
      "    password_env: SLO_TEST_AF_PASSWORD",
    ].join("\n"),
  );
  Object.assign(process.env, {
    SLO_PROFILES: profiles,
    SLO_TEST_AF_USER: server.username,
    SLO_TEST_AF_PASSWORD: server.password,
  });
});

afterAll(async () => {
  await server?.stop();
  for (const k of ["SLO_PROFILES", "SLO_TEST_AF_USER", "SLO_TEST_AF_PASSWORD"])
    delete process.env[k];
  rmSync(work, { recursive: true, force: true });
});

const loads = (): string[][] =>
  existsSync(record)
    ? readFileSync(record, "utf8")
        .trim()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
        .filter((argv) => argv[0] === "load")
    : [];

function client(): AirflowClient {
  return new AirflowClient(
    {
      kind: "airflow",
      baseUrl: server.url,
      timeoutMs: 30_000,
      retries: 6, // Airflow on SQLite answers 503 "database is locked" while its scheduler writes
      backoffMs: 500,
      secrets: [],
    },
    { username: server.username, password: server.password },
  );
}

describe("slo against a real Airflow 3.3", () => {
  it("refuses to trigger a paused DAG, then unpauses it, runs it for the date and follows it", async () => {
    const paused = await runCli(["trigger", DAG, "--date", "2024-03-01"]);
    expect(paused.code).toBe(1);
    expect(paused.stderr).toContain(`DAG ${DAG} is paused`);

    const r = await runCli([
      "trigger",
      DAG,
      "--date",
      "2024-03-01",
      "--unpause",
      "--wait",
      "--poll",
      "1",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/load_shop_order_lines\s+success\s+1/);
    const expected = periodValues(pipeline, { kind: "day", day: "2024-03-01" }).scheduledDate;
    // Unpausing also lets the scheduler start the latest scheduled run: look for ours among all.
    expect(loads().some((argv) => argv.includes(expected ?? "?"))).toBe(true);

    const ref = r.stdout.match(/^run (\S+) /)?.[1] ?? "";
    expect(ref.startsWith(`${DAG}/`)).toBe(true);
    const status = await runCli(["status", ref, "--json"]);
    expect(status.code).toBe(0);
    const detail = JSON.parse(status.stdout) as { state: string; tasks: { id: string }[] };
    expect(detail.state).toBe("success");
    expect(detail.tasks.map((t) => t.id)).toEqual(
      expect.arrayContaining(["stage_shop_daily", "load_shop_order_lines"]),
    );
  });

  it("backfills dates times values once per combination, and a second run submits nothing", async () => {
    const file = join(work, "bf.yaml");
    writeFileSync(
      file,
      [
        `dag_id: ${DAG}`,
        "max_concurrent: 2",
        "tags:",
        "  name: TICKET-42",
        "  partitions:",
        "  - name: day",
        "    start_date: '2024-01-01'",
        "    end_date: '2024-01-02'",
        "  - name: region",
        "    values: [north, south]",
      ].join("\n"),
    );
    const before = loads().length;
    const r = await runCli(["backfill", file, "--poll", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const runs = await client().runsWithPrefix(DAG, backfillRunPrefix("TICKET-42"));
    expect(runs.map((x) => x.conf?.region).sort()).toEqual(["north", "north", "south", "south"]);
    expect(runs.every((x) => x.state === "success")).toBe(true);
    expect(loads().length - before).toBe(4);

    const again = await runCli(["backfill", file, "--poll", "1"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("4 already submitted before");
    expect(await client().runsWithPrefix(DAG, backfillRunPrefix("TICKET-42"))).toHaveLength(4);
  });

  it("runs Airflow's own backfill over a date range when native", async () => {
    const file = join(work, "native.yaml");
    writeFileSync(
      file,
      [
        `dag_id: ${DAG}`,
        "native: true",
        "tags:",
        "  name: NATIVE-1",
        "  partitions:",
        "  - name: day",
        "    start_date: '2024-02-01'",
        "    end_date: '2024-02-02'",
      ].join("\n"),
    );
    const r = await runCli(["backfill", file, "--poll", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { outcomes: { key: string; state: string }[] };
    expect(report.outcomes).toHaveLength(2);
    expect(report.outcomes.every((o) => o.state === "success")).toBe(true);
  });

  it("bad credentials and unknown DAGs give one line, and no secret is printed", async () => {
    process.env.SLO_TEST_AF_PASSWORD = "a-wrong-password-123";
    try {
      const r = await runCli(["trigger", DAG]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("login refused");
      expect(r.stderr + r.stdout).not.toContain("a-wrong-password-123");
    } finally {
      process.env.SLO_TEST_AF_PASSWORD = server.password;
    }
    const unknown = await runCli(["trigger", "no_such_dag"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain("DAG no_such_dag: not found");
    expect(unknown.stderr).not.toContain(server.password);
  });

  it("the client's other calls: import errors, asset events, cancelling a backfill", async () => {
    const c = client();
    expect(await c.importErrors()).toEqual([]);
    const uri = pipeline.tasks.find((t) => t.produces !== undefined)?.produces ?? "";
    const events = await c.assetEvents(uri);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]?.extra).toMatchObject({ sl_scheduled_date: expect.any(String) });
    const backfill = await c.createBackfill({
      dagId: DAG,
      from: "2023-06-01T00:00:00Z",
      to: "2023-06-20T00:00:00Z",
      maxActiveRuns: 1,
    });
    const cancelled = await c.cancelBackfill(backfill.id);
    expect(cancelled.completed_at).not.toBeNull();
  });
});
