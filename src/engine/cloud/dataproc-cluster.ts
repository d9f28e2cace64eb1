import type { protos, v1 } from "@google-cloud/dataproc";
import { camelFields, dataprocClusterConfig } from "../../environments/dataproc-cluster-config.js";
import { type AttemptIO, messageOf, pollUntil, SYNC_POLL_SECONDS } from "./attempt-io.js";
import type { DataprocCluster } from "./cloud-job.js";
import { CLOUD_PACKAGES } from "./cloud-packages.js";
import { type GoogleOptions, googleClientOptions } from "./google-options.js";

type Clusters = v1.ClusterControllerClient;
type ClusterConfig = protos.google.cloud.dataproc.v1.IClusterConfig;

/** gRPC status codes the cluster's life depends on. */
const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

/** The options of a Dataproc client: Dataproc's API is regional. */
export function dataprocOptions(region: string): Promise<GoogleOptions> {
  return googleClientOptions(
    CLOUD_PACKAGES.dataproc,
    `${region}-dataproc.googleapis.com`,
    undefined,
  );
}

/** The cluster as every runner creates it, with the Node client's field names. */
export function clusterConfig(c: DataprocCluster): ClusterConfig {
  const place = { project: c.project, region: c.region, cluster: c.settings, env: c.env };
  return camelFields(dataprocClusterConfig(place)) as ClusterConfig;
}

const codeOf = (e: unknown) => (e as { code?: unknown }).code;

/**
 * Makes sure the run's cluster is RUNNING: creates it, or, when it exists (another task of the
 * run, or an earlier attempt, created it), waits for it. A cluster left in ERROR is deleted, and
 * this attempt fails: the next one creates it again. False when asked to stop first.
 */
export async function ensureCluster(
  clusters: Clusters,
  c: DataprocCluster,
  io: AttemptIO,
): Promise<boolean> {
  const where = { projectId: c.project, region: c.region };
  try {
    const [operation] = await clusters.createCluster({
      ...where,
      cluster: { projectId: c.project, clusterName: c.name, config: clusterConfig(c) },
    });
    io.log(`creating Dataproc cluster ${c.name} in ${c.project}/${c.region}`);
    await operation.promise();
  } catch (e) {
    if (codeOf(e) !== ALREADY_EXISTS) throw e;
    io.log(`Dataproc cluster ${c.name} exists: waiting until it runs`);
  }
  const state = await pollUntil(SYNC_POLL_SECONDS, io, async () => {
    const [cluster] = await clusters.getCluster({ ...where, clusterName: c.name });
    const s = String(cluster.status?.state ?? "");
    return s === "CREATING" || s === "UPDATING" || s === "STARTING" ? undefined : s;
  });
  if (state === undefined) return false;
  if (state === "RUNNING") {
    io.log(`Dataproc cluster ${c.name} is running`);
    return true;
  }
  if (state.startsWith("ERROR")) {
    io.log(`Dataproc cluster ${c.name} is in ${state}: deleting it`);
    await deleteCluster(clusters, c, io);
  }
  throw new Error(`Dataproc cluster ${c.name} is ${state}, not RUNNING`);
}

/** Deletes the run's cluster and waits until it is gone; one already gone is fine. */
export async function deleteCluster(
  clusters: Clusters,
  c: DataprocCluster,
  io: Pick<AttemptIO, "log">,
): Promise<void> {
  try {
    // bounded: an unreachable API must not hold the engine for the client's default 5 minutes
    const [operation] = await clusters.deleteCluster(
      { projectId: c.project, region: c.region, clusterName: c.name },
      { timeout: 60_000 },
    );
    io.log(`deleting Dataproc cluster ${c.name}`);
    await operation.promise();
    io.log(`deleted Dataproc cluster ${c.name}`);
  } catch (e) {
    if (codeOf(e) !== NOT_FOUND) throw e;
    io.log(`Dataproc cluster ${c.name} does not exist (never created, or already deleted)`);
  }
}

/**
 * The teardown of a run (the engine calls it once the run's tasks are done, whatever they did,
 * or stopped): deletes the cluster, saying what happened in `log`. Never throws: a failure is
 * logged, and the cluster's idle timeout (`dataproc_idle_delete_ttl`) is the last resort.
 */
export async function tearDownCluster(
  c: DataprocCluster,
  log: (line: string) => void,
): Promise<boolean> {
  try {
    const dataproc = await import("@google-cloud/dataproc");
    const clusters = new dataproc.v1.ClusterControllerClient(await dataprocOptions(c.region));
    try {
      await deleteCluster(clusters, c, { log });
      return true;
    } finally {
      await clusters.close();
    }
  } catch (e) {
    log(`could not delete Dataproc cluster ${c.name}: ${messageOf(e)}`);
    return false;
  }
}
