import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { RECORDER, type Recorded } from "../helpers/airflow.js";
import { requiredStarlake } from "../helpers/real-starlake.js";
import {
  DATE,
  describeScenarios,
  type PipelineRun,
  type ScenarioRunner,
} from "../helpers/real-starlake-scenarios.js";

/**
 * The real-Starlake scenarios (tests/helpers/real-starlake-scenarios.ts) on the embedded engine,
 * as `slo run` runs them: state and logs in the copy's `.slo/`, a task's output read back with
 * `slo logs`.
 */
class EngineRunner implements ScenarioRunner {
  private copy = "";
  private pipelines: readonly Pipeline[] = [];
  private runs = 0;

  async setUp(copy: string, vars: Readonly<Record<string, string>>) {
    this.copy = copy;
    const plan = await planProject(copy, { env: { SL_STARLAKE_PATH: RECORDER }, vars });
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // no command runs for ever: a JVM that hangs fails its task
    this.pipelines = plan.pipelines.map(
      (p): Pipeline => ({ ...p, defaults: { ...p.defaults, timeout: 600 } }),
    );
    return this.pipelines;
  }

  async run(id: string): Promise<PipelineRun> {
    const record = join(dirname(this.copy), `record-${++this.runs}.jsonl`);
    const state = join(this.copy, ".slo");
    const store = new StateStore(join(state, "state.db"));
    try {
      const [outcome] = await runPipelines(
        store,
        { pipelines: this.pipelines.filter((p) => p.id === id), date: new Date(DATE) },
        {
          starlake: RECORDER,
          baseEnv: { ...process.env, SLO_RECORD: record, SLO_DELEGATE: requiredStarlake() },
          logsDir: join(state, "logs"),
          slots: new Slots(2),
        },
      );
      const runId = String(outcome?.runId);
      return {
        succeeded: outcome?.state === "success",
        records: existsSync(record)
          ? readFileSync(record, "utf8")
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l) as Recorded)
          : [],
        log: (task) =>
          execFileSync(
            process.execPath,
            ["dist/cli/bin.js", "logs", runId, task, "--project", this.copy],
            { encoding: "utf8", timeout: 60_000, maxBuffer: 1 << 28 },
          ),
      };
    } finally {
      store.close();
    }
  }

  tearDown(): void {}
}

describeScenarios("engine", () => new EngineRunner());
