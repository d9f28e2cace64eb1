import type { protos } from "@google-cloud/dataproc";
import {
  type AttemptIO,
  messageOf,
  pollUntil,
  STOPPED_EXIT,
  SYNC_POLL_SECONDS,
} from "./attempt-io.js";
import type { DataprocJob } from "./cloud-job.js";
import { dataprocOptions, ensureCluster } from "./dataproc-cluster.js";

type Job = protos.google.cloud.dataproc.v1.IJob;

/** gRPC's status code of an id that is taken. */
const ALREADY_EXISTS = 6;

/** Final states of a Dataproc job. */
const ENDED = new Set(["DONE", "ERROR", "CANCELLED"]);

/**
 * A task attempt as a Spark job on the run's Dataproc cluster: Starlake's main class with the
 * argv, the jars and the Spark properties (the task's own over the pipeline's), under a job id
 * unique to the attempt. The cluster is created first if no task of the run has done it yet.
 * The attempt polls the job and exits with 0 when it is DONE, 1 on ERROR or CANCELLED; a stopped
 * attempt cancels it.
 */
export async function runDataproc(job: DataprocJob, io: AttemptIO): Promise<number> {
  const dataproc = await import("@google-cloud/dataproc");
  const options = await dataprocOptions(job.cluster.region);
  const clusters = new dataproc.v1.ClusterControllerClient(options);
  const jobs = new dataproc.v1.JobControllerClient(options);
  const where = { projectId: job.cluster.project, region: job.cluster.region };
  const jobId = job.attemptId;
  try {
    if (!(await ensureCluster(clusters, job.cluster, io))) return STOPPED_EXIT;
    try {
      const [submitted] = await jobs.submitJob({
        ...where,
        job: {
          reference: { projectId: job.cluster.project, jobId },
          placement: { clusterName: job.cluster.name },
          sparkJob: {
            jarFileUris: [...job.jars],
            mainClass: job.mainClass,
            args: [...job.args],
            properties: { ...job.properties },
          },
        },
      });
      io.log(`submitted Dataproc job ${jobId} on cluster ${job.cluster.name}`);
      if (submitted.driverOutputResourceUri)
        io.log(`its driver's output: ${submitted.driverOutputResourceUri}`);
    } catch (e) {
      // the id is this attempt's alone: a retried request whose first try went through
      if ((e as { code?: unknown }).code !== ALREADY_EXISTS) throw e;
      io.log(`Dataproc job ${jobId} was already submitted by this attempt: following it`);
    }
    const ended = await pollUntil<Job>(SYNC_POLL_SECONDS, io, async () => {
      const [seen] = await jobs.getJob({ ...where, jobId });
      return ENDED.has(String(seen.status?.state ?? "")) ? seen : undefined;
    });
    if (ended === undefined) {
      io.log(`asked to stop: cancelling Dataproc job ${jobId}`);
      await jobs.cancelJob({ ...where, jobId });
      io.log(`cancelled Dataproc job ${jobId}`);
      return STOPPED_EXIT;
    }
    const state = String(ended.status?.state);
    if (state === "DONE") {
      io.log(`Dataproc job ${jobId} is DONE`);
      return 0;
    }
    const details = ended.status?.details ? `: ${ended.status.details}` : "";
    io.log(`Dataproc job ${jobId} ended in ${state}${details}`);
    return 1;
  } catch (e) {
    io.log(`Dataproc: ${messageOf(e)}`);
    return 1;
  } finally {
    await Promise.allSettled([clusters.close(), jobs.close()]);
  }
}
