import type { DataprocEnvironment } from "../pipeline/environment.js";

/** A value of a Dataproc request as plain data. */
export type ApiValue = string | number | boolean | readonly ApiValue[] | ApiObject;
export interface ApiObject {
  readonly [field: string]: ApiValue;
}

/** Where a run's cluster is and what the Starlake commands on it get. */
export interface ClusterPlace {
  readonly project: string;
  readonly region: string;
  readonly cluster: DataprocEnvironment["cluster"];
  /** The Starlake variables (`sl_env_var`), checked at compile to hold nothing a shell acts on. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The ClusterConfig every runner creates a run's cluster with, its fields named as in Dataproc's
 * API definition (snake_case, as the Python clients and Airflow's operator take them; the Node
 * client takes them through `camelFields`). No workers makes a single-node cluster. The Starlake
 * variables go into the environment of the driver and the executors as `spark-env:` properties:
 * Dataproc writes them into spark-env.sh, a file a shell sources.
 */
export function dataprocClusterConfig(place: ClusterPlace): ApiObject {
  const { project, region, cluster: c, env } = place;
  const machine = (m: typeof c.master, n: number) => ({
    num_instances: n,
    machine_type_uri: m.machineType,
    disk_config: { boot_disk_type: m.diskType, boot_disk_size_gb: m.diskSize },
  });
  return {
    master_config: machine(c.master, 1),
    ...(c.workers > 0 ? { worker_config: machine(c.worker, c.workers) } : {}),
    gce_cluster_config: {
      subnetwork_uri: `projects/${project}/regions/${region}/subnetworks/${c.subnet}`,
      internal_ip_only: true,
      tags: ["dataproc"],
      ...(c.serviceAccount ? { service_account: c.serviceAccount } : {}),
    },
    software_config: {
      image_version: c.imageVersion,
      properties: {
        ...(c.workers > 0 ? {} : { "dataproc:dataproc.allow.zero.workers": "true" }),
        ...Object.fromEntries(
          Object.keys(env)
            .sort()
            .map((k) => [`spark-env:${k}`, env[k] ?? ""]),
        ),
      },
    },
    lifecycle_config: { idle_delete_ttl: { seconds: c.idleDeleteTtl } },
  };
}

/** Map fields of the config: their keys are names of ours (properties), never field names. */
const MAPS = new Set(["properties"]);

/** The same data with camelCase field names (the Node client's); keys of map fields kept. */
export function camelFields(value: ApiValue): ApiValue {
  if (Array.isArray(value)) return value.map(camelFields);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as ApiObject).map(([k, v]) => [
      k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      MAPS.has(k) ? v : camelFields(v),
    ]),
  );
}

/** The same data with every string value passed through `f` (keys kept). */
export function mapStrings(value: ApiValue, f: (s: string) => string): ApiValue {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as ApiObject).map(([k, v]) => [k, mapStrings(v, f)]),
  );
}
