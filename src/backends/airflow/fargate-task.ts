import type { FargateEnvironment } from "../../pipeline/environment.js";
import type { Task } from "../../pipeline/pipeline.js";
import { pyLiteral } from "../python/literal.js";
import { cloudArgs, envList, literal } from "./cloud-values.js";

/**
 * A Starlake task as one ECS RunTask on Fargate (provider amazon): the container of the task
 * definition runs the task's argv with the Starlake variables, cpu and memory as overrides. The
 * operator waits for the task to stop (async: deferred, polled every `pokeInterval`) and fails
 * unless the container exited with 0.
 */
export function fargateTask(e: FargateEnvironment, t: Task, common: readonly string[]): string[] {
  const environment = envList(e.env);
  const container = {
    name: literal(e.container),
    command: cloudArgs(t, e.env),
    ...(environment.length > 0 ? { environment } : {}),
    cpu: e.cpu,
    memory: e.memory,
  };
  const network = {
    awsvpcConfiguration: {
      subnets: e.subnets.map(literal),
      ...(e.securityGroups.length > 0 ? { securityGroups: e.securityGroups.map(literal) } : {}),
      assignPublicIp: "DISABLED",
    },
  };
  return [
    ...common,
    `cluster=${pyLiteral(literal(e.cluster))}`,
    `task_definition=${pyLiteral(literal(e.taskDefinition))}`,
    'launch_type="FARGATE"',
    `overrides=${pyLiteral({ containerOverrides: [container] })}`,
    `network_configuration=${pyLiteral(network)}`,
    `aws_conn_id=${pyLiteral(e.connection)}`,
    `region_name=${pyLiteral(e.region)}`,
    "wait_for_completion=True",
    ...(e.wait.mode === "async"
      ? ["deferrable=True", `waiter_delay=${e.wait.pokeInterval}`]
      : ["deferrable=False"]),
  ];
}
