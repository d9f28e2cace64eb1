import { readFileSync } from "node:fs";
import { assertNever } from "../../pipeline/environment.js";
import { type AttemptIO, messageOf } from "./attempt-io.js";
import type { CloudJob } from "./cloud-job.js";
import { runCloudRun } from "./cloud-run.js";
import { runDataproc } from "./dataproc.js";
import { runFargate } from "./fargate.js";

/**
 * The process of one cloud attempt: `node cloud-attempt.js JOB_FILE`. The engine starts it as it
 * starts a shell command (its own process group, output appended to the attempt's log, its exit
 * code journaled), so retries, timeouts, logs, cancel and resume after the engine's death work as
 * for the shell. It submits the job the file describes (cloud-job.ts), prints its progress and the
 * cloud's ids, waits for the end and exits with the job's outcome. SIGTERM (slo cancel, a
 * timeout) cancels the cloud job before exiting.
 */
async function main(path: string | undefined): Promise<number> {
  const stop = new AbortController();
  for (const s of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(s, () => stop.abort());
  const io: AttemptIO = {
    log: (line) => process.stdout.write(`[slo ${new Date().toISOString()}] ${line}\n`),
    stopped: stop.signal,
  };
  let job: CloudJob;
  try {
    job = JSON.parse(readFileSync(path ?? "", "utf8")) as CloudJob;
  } catch (e) {
    io.log(`cannot read the attempt's job file ${path}: ${messageOf(e)}`);
    return 70;
  }
  io.log(`${job.kind} attempt ${job.attemptId}: ${JSON.stringify(job.args)}`);
  switch (job.kind) {
    case "fargate":
      return await runFargate(job, io);
    case "cloud_run":
      return await runCloudRun(job, io);
    case "dataproc":
      return await runDataproc(job, io);
    default:
      return assertNever(job, "cloud job");
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e) => {
    process.stdout.write(`[slo] a failure of ours: ${messageOf(e)}\n`);
    process.exit(70);
  },
);
