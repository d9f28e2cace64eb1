import { AirflowWorkspace, RECORDER } from "../helpers/airflow.js";
import { requiredStarlake } from "../helpers/real-starlake.js";
import {
  DATE,
  describeScenarios,
  type PipelineRun,
  type ScenarioRunner,
} from "../helpers/real-starlake-scenarios.js";

/**
 * The real-Starlake scenarios (tests/helpers/real-starlake-scenarios.ts) as generated Airflow DAG
 * files, each run by real Airflow 3.3 with `dag.test()`; a task's log is what that run printed.
 */
class AirflowRunner implements ScenarioRunner {
  private readonly af = new AirflowWorkspace();

  async setUp(copy: string, vars: Readonly<Record<string, string>>) {
    await this.af.setUp(copy, { SL_STARLAKE_PATH: RECORDER }, { SL_ROOT: copy, ...vars });
    return this.af.pipelines;
  }

  async run(id: string): Promise<PipelineRun> {
    const run = this.af.runDag(
      id,
      DATE.replace("Z", "+00:00"),
      {},
      {
        SLO_DELEGATE: requiredStarlake(),
      },
    );
    return { succeeded: run.state === "success", records: run.records, log: () => run.output };
  }

  tearDown(): void {
    this.af.tearDown();
  }
}

describeScenarios("Airflow", () => new AirflowRunner());
