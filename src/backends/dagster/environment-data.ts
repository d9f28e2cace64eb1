import { dataprocClusterConfig } from "../../environments/dataproc-cluster-config.js";
import {
  assertNever,
  type CloudWait,
  type ExecutionEnvironment,
} from "../../pipeline/environment.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import { code, type PyValue } from "../python/literal.js";

/**
 * A cloud pipeline's execution environment as data for the Dagster runtime, or nothing for the
 * shell (whose files stay as they were). `run` names the runtime function that runs a step's
 * argv there (runtime/fargate.py, cloud_run.py, dataproc.py): naming it here is what makes the
 * renderer write that function, and its SDK imports, into the files that need them only.
 */
export function environmentData(p: Pipeline): PyValue {
  const e: ExecutionEnvironment = p.environment;
  switch (e.kind) {
    case "shell":
      return undefined;
    case "fargate":
      return {
        kind: e.kind,
        run: code(runFunction(e) as string),
        region: e.region,
        cluster: e.cluster,
        task_definition: e.taskDefinition,
        container: e.container,
        subnets: [...e.subnets],
        security_groups: [...e.securityGroups],
        cpu: e.cpu,
        memory: e.memory,
        poll: pollInterval(e.wait),
      };
    case "cloud_run":
      return {
        kind: e.kind,
        run: code(runFunction(e) as string),
        project: e.project,
        region: e.region,
        job: e.job,
        service_account: e.serviceAccount ?? null,
        // sync waits on the execution's operation; async polls the execution
        poll: e.wait.mode === "async" ? e.wait.pokeInterval : null,
      };
    case "dataproc":
      return {
        kind: e.kind,
        run: code(runFunction(e) as string),
        project: e.project,
        region: e.region,
        // the run's cluster is this resource of the definitions (runtime/dataproc.py)
        resource: dataprocResourceKey(p),
        cluster_prefix: e.cluster.name,
        cluster_config: dataprocClusterConfig(e) as PyValue,
        jars: [...e.spark.jars],
        main_class: e.spark.mainClass,
        properties: sortedRecord(e.spark.properties),
        task_properties: Object.fromEntries(
          Object.keys(e.spark.taskProperties)
            .sort()
            .map((id) => [id, sortedRecord(e.spark.taskProperties[id] ?? {})]),
        ),
      };
    case "registered":
      // refused before rendering (dagster-environment.ts)
      return undefined;
    default:
      return assertNever(e, "execution environment");
  }
}

/** The runtime function that runs a step in this environment (what `run` of its data names). */
export function runFunction(e: ExecutionEnvironment): string | undefined {
  switch (e.kind) {
    case "fargate":
      return "_run_fargate";
    case "cloud_run":
      return "_run_cloud_run";
    case "dataproc":
      return "_run_dataproc";
    case "shell":
    case "registered":
      return undefined;
    default:
      return assertNever(e, "execution environment");
  }
}

/** Seconds between two looks at a running ECS task: the poke interval when async, else Dagster Pipes' 6 s. */
function pollInterval(wait: CloudWait): number {
  return wait.mode === "async" ? wait.pokeInterval : 6;
}

/** The Definitions' resource that holds a Dataproc pipeline's cluster for the length of a run. */
export function dataprocResourceKey(p: Pipeline): string {
  return `slo_dataproc_${p.id}`;
}

const sortedRecord = (r: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k] ?? ""]),
  );
