import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderAirflowDag } from "../../src/backends/airflow/render-dag.js";
import { pythonEnv } from "../helpers/python-env.js";
import { TRIGGER_CASES, TRIGGER_PIPELINE, triggerPipeline } from "../helpers/trigger-cases.js";

const work = mkdtempSync(join(tmpdir(), "slo-trigger-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a dataset_triggering_strategy expression in real Airflow 3.3", () => {
  it("is the DAG's asset condition, and holds in the same cases as on the engine", async () => {
    const p = await triggerPipeline(join(work, "root"));
    const dags = join(work, "dags");
    mkdirSync(dags, { recursive: true });
    const file = join(dags, `${TRIGGER_PIPELINE}.py`);
    writeFileSync(file, renderAirflowDag(p, "test"));
    const out = execFileSync(
      join(pythonEnv("airflow"), "bin/python"),
      [
        "tests/integration/airflow/asset_condition.py",
        file,
        TRIGGER_PIPELINE,
        JSON.stringify(TRIGGER_CASES.map((c) => c.fresh)),
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
      timetable: "AssetTriggeredTimetable",
      condition: { all: ["shop_orders", { any: ["shop_customers", "shop_products"] }] },
      verdicts: TRIGGER_CASES.map((c) => c.runs),
    });
  }, 300_000);
});
