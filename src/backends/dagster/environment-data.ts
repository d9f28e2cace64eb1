import {
  assertNever,
  type CloudWait,
  type DataprocEnvironment,
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
        run: code("_run_fargate"),
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
        run: code("_run_cloud_run"),
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
        run: code("_run_dataproc"),
        project: e.project,
        region: e.region,
        // the run's cluster is this resource of the definitions (runtime/dataproc.py)
        resource: dataprocResourceKey(p),
        cluster_prefix: e.cluster.name,
        cluster_config: clusterConfig(e),
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

/** The cluster as Dataproc's API reads it (field names of google-cloud-dataproc); no workers: a single node. */
function clusterConfig(e: DataprocEnvironment): PyValue {
  const c = e.cluster;
  const machine = (m: typeof c.master, n: number) => ({
    num_instances: n,
    machine_type_uri: m.machineType,
    disk_config: { boot_disk_type: m.diskType, boot_disk_size_gb: m.diskSize },
  });
  return {
    master_config: machine(c.master, 1),
    ...(c.workers > 0 ? { worker_config: machine(c.worker, c.workers) } : {}),
    gce_cluster_config: {
      subnetwork_uri: `projects/${e.project}/regions/${e.region}/subnetworks/${c.subnet}`,
      internal_ip_only: true,
      tags: ["dataproc"],
      ...(c.serviceAccount ? { service_account: c.serviceAccount } : {}),
    },
    software_config: {
      image_version: c.imageVersion,
      properties: {
        ...(c.workers > 0 ? {} : { "dataproc:dataproc.allow.zero.workers": "true" }),
        // the Starlake variables in the driver's and executors' environment (checked at compile
        // to hold nothing a shell would act on: Dataproc writes them into spark-env.sh)
        ...sortedRecord(
          Object.fromEntries(Object.keys(e.env).map((k) => [`spark-env:${k}`, e.env[k] ?? ""])),
        ),
      },
    },
    lifecycle_config: { idle_delete_ttl: { seconds: c.idleDeleteTtl } },
  };
}
