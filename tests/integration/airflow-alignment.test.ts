import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderAirflowDag } from "../../src/backends/airflow/render-dag.js";
import { lintPython } from "../../src/backends/python/format.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { RECORDER } from "../helpers/airflow.js";
import { mixedFrequencyPipeline, testPipeline } from "../helpers/engine.js";
import { pythonEnv } from "../helpers/python-env.js";

/** A daily transform of a daily and a monthly table (spec §6.4), rendered for Airflow. */
const pipeline: Pipeline = mixedFrequencyPipeline(
  testPipeline({
    id: "report",
    root: "/srv/x",
    tasks: [
      { id: "start", kind: "start", command: undefined },
      { id: "t", kind: "transform", command: ["transform", "--name", "r.t"] },
    ],
    edges: [["start", "t"]],
  }),
);

const work = mkdtempSync(join(tmpdir(), "slo-align-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("mixed-frequency upstreams in real Airflow 3.3", () => {
  it("run on any upstream; the start check passes only when every upstream has the period's data", () => {
    const text = renderAirflowDag(pipeline, "test");
    expect(lintPython(text)).toEqual([]);
    expect(text).toContain('schedule=(Asset("daily") | Asset("monthly"))');
    const dags = join(work, "dags");
    mkdirSync(dags, { recursive: true });
    writeFileSync(join(dags, "report.py"), text);
    const venv = pythonEnv("airflow");
    const cases = [
      // March: the daily table of the 2nd and the month's table: run
      {
        when: "2026-03-02T06:00:00+00:00",
        events: { daily: "2026-03-02T06:00:00+0000", monthly: "2026-03-01T05:00:00+0000" },
      },
      // April 2nd: the month's table is still March's: skip
      {
        when: "2026-04-02T06:00:00+00:00",
        events: { daily: "2026-04-02T06:00:00+0000", monthly: "2026-03-01T05:00:00+0000" },
      },
      // the daily table is yesterday's: skip
      {
        when: "2026-03-03T06:00:00+00:00",
        events: { daily: "2026-03-02T06:00:00+0000", monthly: "2026-03-01T05:00:00+0000" },
      },
      // never produced: skip
      {
        when: "2026-03-02T06:00:00+00:00",
        events: { daily: "2026-03-02T06:00:00+0000", monthly: null },
      },
    ];
    const out = execFileSync(
      join(venv, "bin/python"),
      [
        "tests/integration/airflow/call_aligned.py",
        join(dags, "report.py"),
        "report",
        JSON.stringify(cases),
      ],
      {
        encoding: "utf8",
        env: { ...process.env, AIRFLOW_HOME: join(work, "home") },
        timeout: 300_000,
      },
    );
    const result = JSON.parse(
      out
        .split("\n")
        .find((l) => l.startsWith("SLO_RESULT "))
        ?.slice(11) ?? "{}",
    );
    expect(result).toEqual({
      schedule: "AssetTriggeredTimetable",
      start: "ShortCircuitOperator",
      inlets: ["daily", "monthly"],
      verdicts: [true, false, false, false],
    });
  });

  it("runs once per period: a second event for a period already processed skips the run", () => {
    const root = join(work, "root");
    const dags = join(work, "dags-runs");
    const home = join(work, "home-runs");
    mkdirSync(root, { recursive: true });
    mkdirSync(dags, { recursive: true });
    const environment = {
      kind: "shell" as const,
      env: pipeline.environment.env,
      slRoot: root,
      starlakePath: RECORDER,
      includeEnvVars: [],
    };
    const p = { ...pipeline, environment };
    writeFileSync(join(dags, "report.py"), renderAirflowDag(p, "test"));
    const venv = pythonEnv("airflow");
    const record = join(work, "record.jsonl");
    const env = {
      ...process.env,
      AIRFLOW_HOME: home,
      AIRFLOW__CORE__DAGS_FOLDER: dags,
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      SLO_RECORD: record,
    };
    execFileSync(join(venv, "bin/airflow"), ["db", "migrate"], {
      env,
      stdio: "ignore",
      timeout: 300_000,
    });
    const monthly = "2026-03-01T05:00:00+0000";
    const cases = [
      // the period of March 2nd: every upstream has data, it runs
      {
        when: "2026-03-02T06:00:00+00:00",
        events: { daily: "2026-03-02T06:00:00+0000", monthly },
      },
      // the daily table of March 2nd again, an hour later: the same period, skipped
      { when: "2026-03-02T07:00:00+00:00", events: { daily: "2026-03-02T06:00:00+0000" } },
      // March 3rd: a new period, it runs
      { when: "2026-03-03T06:00:00+00:00", events: { daily: "2026-03-03T06:00:00+0000" } },
    ];
    const out = execFileSync(
      join(venv, "bin/python"),
      ["tests/integration/airflow/run_aligned.py", dags, "report", JSON.stringify(cases)],
      { encoding: "utf8", env, timeout: 600_000 },
    );
    const runs = JSON.parse(
      out
        .split("\n")
        .find((l) => l.startsWith("SLO_RESULT "))
        ?.slice(11) ?? "[]",
    ) as Array<{ state: string; tasks: Record<string, string> }>;
    expect(runs.map((r) => [r.state, r.tasks.start, r.tasks.t])).toEqual([
      ["success", "success", "success"],
      ["success", "success", "skipped"],
      ["success", "success", "success"],
    ]);
    const transforms = readFileSync(record, "utf8").trim().split("\n");
    expect(transforms).toHaveLength(2);
  }, 600_000);
});
