"""The `cloud_run` environment: a step is one execution of a Cloud Run job, its container given
the step's argv and the Starlake variables as overrides (google-cloud-run)."""

from __future__ import annotations

import dagster as dg
from google.api_core.exceptions import GoogleAPICallError
from google.cloud import run_v2

from .cloud import _google_client, _stopped, _wait_until

# How long a sync step waits on its execution's operation when the task sets no timeout.
_CLOUD_RUN_WAIT = 7 * 24 * 3600


def _run_cloud_run(context, environment, task, args, env):
    """Runs the job once with the step's overrides and waits for the execution: on its operation
    (sync), or by reading the execution every `poll` seconds (async). A failed or cancelled
    execution fails the step; Dagster's retry policy then applies."""
    jobs = _google_client(run_v2.JobsClient, environment)
    name = f"projects/{environment['project']}/locations/{environment['region']}/jobs/{environment['job']}"
    container = {"args": list(args)}
    if env:
        container["env"] = [{"name": k, "value": env[k]} for k in sorted(env)]
    operation = jobs.run_job(
        request={"name": name, "overrides": {"container_overrides": [container]}}
    )
    execution = operation.metadata.name
    context.log.info("slo: %s runs as Cloud Run execution %s", task["id"], execution)
    executions = _google_client(run_v2.ExecutionsClient, environment)

    def stop():
        executions.cancel_execution(name=execution)

    if environment["poll"] is None:
        try:
            done = operation.result(timeout=task["timeout"] or _CLOUD_RUN_WAIT)
        except GoogleAPICallError as error:
            raise dg.Failure(
                f"{task['id']}: Cloud Run execution {execution} failed: {error.message}"
            ) from None
        except dg.DagsterExecutionInterruptedError:
            _stopped(stop)
            raise
        except TimeoutError:
            stopped = _stopped(stop)
            raise dg.Failure(
                f"{task['id']}: Cloud Run execution {execution} timed out after {task['timeout']} s; {stopped}"
            ) from None
    else:

        def finished():
            found = executions.get_execution(name=execution)
            return found if found.completion_time else None

        done = _wait_until(
            task,
            f"Cloud Run execution {execution}",
            finished,
            environment["poll"],
            stop,
        )
    if (
        done.failed_count
        or done.cancelled_count
        or done.succeeded_count < done.task_count
    ):
        why = next((c.message for c in done.conditions if c.message), "")
        raise dg.Failure(
            f"{task['id']}: Cloud Run execution {execution} failed ({done.failed_count} of {done.task_count} task(s)){': ' + why if why else ''}"
        )
    return 0
