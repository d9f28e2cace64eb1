import { airflow } from "./airflow/airflow-orchestrator.js";
import { dagster } from "./dagster/dagster-orchestrator.js";
import type { Orchestrator } from "./orchestrator.js";

const orchestrators = new Map<string, Orchestrator>();

/** Makes an orchestrator available by name (`slo generate --orchestrator NAME`); a name is taken once. */
export function registerOrchestrator(orchestrator: Orchestrator): void {
  if (orchestrators.has(orchestrator.name))
    throw new Error(`orchestrator ${orchestrator.name} is already registered`);
  orchestrators.set(orchestrator.name, orchestrator);
}

export function orchestrator(name: string): Orchestrator | undefined {
  return orchestrators.get(name);
}

export function orchestratorNames(): string[] {
  return [...orchestrators.keys()].sort();
}

registerOrchestrator(airflow);
registerOrchestrator(dagster);
