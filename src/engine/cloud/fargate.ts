import {
  type AttemptIO,
  messageOf,
  pollUntil,
  STOPPED_EXIT,
  SYNC_POLL_SECONDS,
} from "./attempt-io.js";
import type { FargateJob } from "./cloud-job.js";

/**
 * A task attempt as one ECS RunTask on Fargate: the task definition's container gets the argv,
 * the Starlake variables (none: no environment override), cpu and memory as overrides, in the
 * subnets and security groups given (awsvpc). The attempt waits for the task to stop and exits
 * with its container's exit code. The region is the dag config's; the endpoint and credentials
 * come from the AWS SDK's usual chain (AWS_ENDPOINT_URL, AWS_PROFILE, roles…).
 */
export async function runFargate(job: FargateJob, io: AttemptIO): Promise<number> {
  const ecs = await import("@aws-sdk/client-ecs");
  const client = new ecs.ECSClient({ region: job.region });
  try {
    const environment = Object.keys(job.env)
      .sort()
      .map((name) => ({ name, value: job.env[name] ?? "" }));
    const started = await client.send(
      new ecs.RunTaskCommand({
        cluster: job.cluster,
        taskDefinition: job.taskDefinition,
        launchType: "FARGATE",
        count: 1,
        // at most 36 characters: the end of the attempt's id, its unique part
        startedBy: job.attemptId.slice(-36),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...job.subnets],
            ...(job.securityGroups.length > 0 ? { securityGroups: [...job.securityGroups] } : {}),
            assignPublicIp: "DISABLED",
          },
        },
        overrides: {
          containerOverrides: [
            {
              name: job.container,
              command: [...job.args],
              ...(environment.length > 0 ? { environment } : {}),
              cpu: job.cpu,
              memory: job.memory,
            },
          ],
        },
      }),
    );
    const arn = started.tasks?.[0]?.taskArn;
    if (arn === undefined) {
      const why = (started.failures ?? []).map((f) => `${f.arn ?? ""} ${f.reason ?? ""}`.trim());
      io.log(`RunTask started no task: ${why.join("; ") || "no reason given"}`);
      return 1;
    }
    io.log(`started ECS task ${arn} (attempt ${job.attemptId}) on cluster ${job.cluster}`);
    const seconds = job.wait.mode === "async" ? job.wait.pokeInterval : SYNC_POLL_SECONDS;
    const stoppedTask = await pollUntil(seconds, io, async () => {
      const seen = await client.send(
        new ecs.DescribeTasksCommand({ cluster: job.cluster, tasks: [arn] }),
      );
      const task = seen.tasks?.[0];
      return task?.lastStatus === "STOPPED" ? task : undefined;
    });
    if (stoppedTask === undefined) {
      io.log(`asked to stop: stopping ECS task ${arn}`);
      await client.send(
        new ecs.StopTaskCommand({ cluster: job.cluster, task: arn, reason: "stopped by slo" }),
      );
      io.log(`stopped ECS task ${arn}`);
      return STOPPED_EXIT;
    }
    const container = stoppedTask.containers?.find((c) => c.name === job.container);
    const code = container?.exitCode;
    if (code === undefined || code === null) {
      io.log(
        `ECS task ${arn} stopped without an exit code: ${stoppedTask.stoppedReason ?? container?.reason ?? "no reason given"}`,
      );
      return 1;
    }
    io.log(`ECS task ${arn} stopped: container ${job.container} exited with ${code}`);
    // an exit code the engine can carry (1 to 255); 0 only for a container that exited with 0
    return code === 0 ? 0 : Math.min(255, Math.max(1, code));
  } catch (e) {
    io.log(`ECS: ${messageOf(e)}`);
    return 1;
  } finally {
    client.destroy();
  }
}
