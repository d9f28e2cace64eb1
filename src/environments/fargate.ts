import type { FargateEnvironment } from "../pipeline/environment.js";
import type { BuiltInEnvironment } from "./environment-kind.js";

// ECS names: letters, digits, - and _ (a task definition may carry its :revision).
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const TASK_DEFINITION = /^[A-Za-z0-9_-]{1,255}(:[0-9]+)?$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;
const CONNECTION = /^[A-Za-z0-9_.-]+$/;

/** AWS Fargate tasks on ECS (spec §3.6, §4.6): RunTask with container overrides. */
export const fargate: BuiltInEnvironment<FargateEnvironment> = {
  name: "fargate",
  optionKeys: [
    "aws_cluster_name",
    "aws_task_definition_name",
    "aws_task_definition_container_name",
    "aws_region",
    "aws_task_private_subnets",
    "aws_task_security_groups",
    "aws_conn_id",
    "cpu",
    "memory",
    "fargate_async",
    "fargate_async_poke_interval",
  ],
  read(o, base) {
    const cluster = o.required("aws_cluster_name");
    o.check("aws_cluster_name", cluster, ECS_NAME, "an ECS cluster name");
    const taskDefinition = o.required("aws_task_definition_name");
    o.check(
      "aws_task_definition_name",
      taskDefinition,
      TASK_DEFINITION,
      "an ECS task definition family, optionally with :revision",
    );
    const container = o.required("aws_task_definition_container_name");
    o.check("aws_task_definition_container_name", container, ECS_NAME, "a container name");
    const region = o.string("aws_region", "eu-west-3");
    o.check("aws_region", region, REGION, "an AWS region such as eu-west-3");
    // Fargate tasks use the awsvpc network mode: without a subnet, RunTask is refused.
    if (o.optional("aws_task_private_subnets") === undefined)
      o.required("aws_task_private_subnets");
    const subnets = o.list("aws_task_private_subnets");
    for (const s of subnets)
      o.check("aws_task_private_subnets", s, /^subnet-[0-9a-f]+$/, "subnet ids (subnet-…)");
    const securityGroups = o.list("aws_task_security_groups");
    for (const g of securityGroups)
      o.check("aws_task_security_groups", g, /^sg-[0-9a-f]+$/, "security group ids (sg-…)");
    const connection = o.string("aws_conn_id", "aws_default");
    o.check("aws_conn_id", connection, CONNECTION, "an Airflow connection id");
    return {
      kind: "fargate",
      ...base,
      region,
      cluster,
      taskDefinition,
      container,
      subnets,
      securityGroups,
      cpu: o.integer("cpu", 1024),
      memory: o.integer("memory", 2048),
      wait: o.boolean("fargate_async", true)
        ? { mode: "async", pokeInterval: o.integer("fargate_async_poke_interval", 30) }
        : { mode: "sync" },
      connection,
    };
  },
};
