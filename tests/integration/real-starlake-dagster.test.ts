import { RECORDER } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { requiredStarlake } from "../helpers/real-starlake.js";
import {
  DATE,
  describeScenarios,
  type PipelineRun,
  type ScenarioRunner,
} from "../helpers/real-starlake-scenarios.js";

/**
 * The real-Starlake scenarios (tests/helpers/real-starlake-scenarios.ts) as generated Dagster
 * definitions, each job run in process by real Dagster 1.13 on a local instance, whose compute
 * logs (the steps' stdout and stderr, as Dagster's UI shows them) are a task's log.
 */
class DagsterRunner implements ScenarioRunner {
  private readonly dg = new DagsterWorkspace();

  async setUp(copy: string, vars: Readonly<Record<string, string>>) {
    await this.dg.setUp(copy, { SL_STARLAKE_PATH: RECORDER }, { SL_ROOT: copy, ...vars });
    return this.dg.pipelines;
  }

  async run(id: string): Promise<PipelineRun> {
    const run = this.dg.runJob(
      id,
      { sl_scheduled_date: DATE.replace("Z", "+0000") },
      {},
      { SLO_DELEGATE: requiredStarlake(), SLO_COMPUTE_LOGS: "1" },
    );
    return { succeeded: run.success, records: run.records, log: () => run.logs };
  }

  tearDown(): void {
    this.dg.tearDown();
  }
}

describeScenarios("Dagster", () => new DagsterRunner());
