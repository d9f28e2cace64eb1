import type { protos } from "@google-cloud/run";
import {
  type AttemptIO,
  messageOf,
  pollUntil,
  STOPPED_EXIT,
  SYNC_POLL_SECONDS,
} from "./attempt-io.js";
import type { CloudRunJob } from "./cloud-job.js";
import { CLOUD_PACKAGES } from "./cloud-packages.js";
import { type GoogleOptions, googleClientOptions } from "./google-options.js";

type Execution = protos.google.cloud.run.v2.IExecution;

/**
 * A task attempt as one execution of a Cloud Run job: the job's container gets the argv (`args`)
 * and the Starlake variables (`env`; none: no env override) as overrides. The attempt polls the
 * execution until it completes (sync: every few seconds; async: every poke interval) and exits
 * with 0 when it succeeded, 1 when it failed or was cancelled. A stopped attempt cancels it.
 */
export async function runCloudRun(job: CloudRunJob, io: AttemptIO): Promise<number> {
  const run = await import("@google-cloud/run");
  let options: GoogleOptions;
  try {
    options = await googleClientOptions(CLOUD_PACKAGES.cloud_run, undefined, job.serviceAccount);
  } catch (e) {
    // no application default credentials to impersonate from: this machine's setup, not ours
    io.log(`Google credentials: ${messageOf(e)}`);
    return 1;
  }
  const jobs = new run.v2.JobsClient(options);
  const executions = new run.v2.ExecutionsClient(options);
  try {
    const env = Object.keys(job.env)
      .sort()
      .map((name) => ({ name, value: job.env[name] ?? "" }));
    const name = jobs.jobPath(job.project, job.region, job.job);
    const [operation] = await jobs.runJob({
      name,
      overrides: {
        containerOverrides: [{ args: [...job.args], ...(env.length > 0 ? { env } : {}) }],
      },
    });
    const executionName = (operation.metadata as Execution | null)?.name ?? undefined;
    if (!executionName) {
      io.log(
        `Cloud Run job ${name} started (attempt ${job.attemptId}), its execution unnamed: waiting for the operation`,
      );
      await operation.promise();
      io.log("the execution succeeded");
      return 0;
    }
    io.log(`started Cloud Run execution ${executionName} (attempt ${job.attemptId})`);
    const seconds = job.wait.mode === "async" ? job.wait.pokeInterval : SYNC_POLL_SECONDS;
    const ended = await pollUntil(seconds, io, async () => {
      const [execution] = await executions.getExecution({ name: executionName });
      return execution.completionTime ? execution : undefined;
    });
    if (ended === undefined) {
      io.log(`asked to stop: cancelling Cloud Run execution ${executionName}`);
      await executions.cancelExecution({ name: executionName });
      io.log(`cancelled Cloud Run execution ${executionName}`);
      return STOPPED_EXIT;
    }
    const completed = (ended.conditions ?? []).find((c) => c.type === "Completed");
    const failed =
      Number(ended.failedCount ?? 0) > 0 ||
      Number(ended.cancelledCount ?? 0) > 0 ||
      completed?.state === "CONDITION_FAILED";
    if (!failed) {
      io.log(`Cloud Run execution ${executionName} succeeded`);
      return 0;
    }
    const why = completed?.message ? `: ${completed.message}` : "";
    io.log(`Cloud Run execution ${executionName} failed${why}`);
    return 1;
  } catch (e) {
    io.log(`Cloud Run: ${messageOf(e)}`);
    return 1;
  } finally {
    await Promise.allSettled([jobs.close(), executions.close()]);
  }
}
