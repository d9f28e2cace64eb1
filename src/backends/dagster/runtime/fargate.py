"""The `fargate` environment: a step is one ECS RunTask on Fargate, whose container runs the
step's argv; the container's exit code is the step's. boto3 reads the region's endpoint, or
AWS_ENDPOINT_URL (AWS_ENDPOINT_URL_ECS) when set, and the credentials, as every AWS client does."""

from __future__ import annotations

import boto3
import dagster as dg

from .cloud import _attempt_id, _wait_until


def _run_fargate(context, environment, task, args, env):
    """Starts the task definition with the step's overrides, waits until ECS stops it (looking
    every `poll` seconds) and returns the exit code of the overridden container."""
    ecs = boto3.client("ecs", region_name=environment["region"])
    container = {"name": environment["container"], "command": list(args)}
    if env:
        # with no Starlake variable, no environment override at all
        container["environment"] = [{"name": k, "value": env[k]} for k in sorted(env)]
    container.update(cpu=environment["cpu"], memory=environment["memory"])
    network = {"subnets": list(environment["subnets"]), "assignPublicIp": "DISABLED"}
    if environment["security_groups"]:
        network["securityGroups"] = list(environment["security_groups"])
    cluster = environment["cluster"]
    started = ecs.run_task(
        cluster=cluster,
        taskDefinition=environment["task_definition"],
        launchType="FARGATE",
        count=1,
        overrides={"containerOverrides": [container]},
        networkConfiguration={"awsvpcConfiguration": network},
        # a request retried by boto3 starts no second task
        clientToken=_attempt_id(context, task)[-64:],
    )
    if not started.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')}".strip()
            for f in started.get("failures", [])
        )
        raise dg.Failure(
            f"{task['id']}: ECS did not start task definition {environment['task_definition']}: {reasons or 'no reason given'}"
        )
    arn = started["tasks"][0]["taskArn"]
    context.log.info("slo: %s runs as ECS task %s", task["id"], arn)

    def stopped():
        found = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
        return found[0] if found and found[0].get("lastStatus") == "STOPPED" else None

    def stop():
        ecs.stop_task(
            cluster=cluster, task=arn, reason="slo: the Dagster step stopped waiting"
        )

    done = _wait_until(task, f"ECS task {arn}", stopped, environment["poll"], stop)
    code = next(
        (
            c.get("exitCode")
            for c in done.get("containers", [])
            if c.get("name") == environment["container"]
        ),
        None,
    )
    if code is None:
        reason = done.get("stoppedReason") or done.get("stopCode") or "no reason given"
        raise dg.Failure(
            f"{task['id']}: ECS task {arn} stopped without an exit code of container {environment['container']}: {reason}"
        )
    context.log.info("slo: %s: ECS task %s exited with %s", task["id"], arn, code)
    return code
