"""What the cloud environments share: waiting for a job that runs elsewhere, and reaching
Google's APIs. Nothing here runs at import time; each runner calls these when a step runs."""

from __future__ import annotations

import time
import uuid

import dagster as dg
import google.auth
from google.auth import impersonated_credentials

# The scope of every Google API call: Cloud Run and Dataproc need nothing narrower.
_CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def _wait_until(task, what, look, every, stop):
    """Calls `look` every `every` seconds until it returns something. Past the task's timeout,
    or when Dagster interrupts the step, `stop` ends the remote job first: nothing keeps
    running in the cloud for a step Dagster no longer waits for."""
    deadline = None if task["timeout"] is None else time.monotonic() + task["timeout"]
    try:
        while True:
            found = look()
            if found is not None:
                return found
            if deadline is not None and time.monotonic() + every > deadline:
                stopped = _stopped(stop)
                raise dg.Failure(
                    f"{task['id']}: {what} timed out after {task['timeout']} s; {stopped}"
                )
            time.sleep(every)
    except dg.DagsterExecutionInterruptedError:
        _stopped(stop)
        raise


def _stopped(stop):
    """Stops a remote job, saying how that went: a failure to stop it must not hide why."""
    try:
        stop()
    # whatever the client raised (its errors differ by cloud): the step fails anyway
    except Exception as error:  # noqa: BLE001
        return f"stopping it failed: {error}"
    return "stopped"


def _google_client(client_class, environment, endpoint=None):
    """A client of a Google API (gRPC), on `endpoint` when the API has regional ones
    (Dataproc), with this machine's default credentials, impersonating the environment's
    service account when it names one."""
    options = None if endpoint is None else {"api_endpoint": endpoint}
    return client_class(
        credentials=_google_credentials(environment), client_options=options
    )


def _google_credentials(environment):
    """The default credentials of this machine, or a service account they impersonate."""
    credentials, _ = google.auth.default(scopes=[_CLOUD_PLATFORM])
    account = environment.get("service_account")
    if account is None:
        return credentials
    return impersonated_credentials.Credentials(
        source_credentials=credentials,
        target_principal=account,
        target_scopes=[_CLOUD_PLATFORM],
    )


def _attempt_id(context, task):
    """An id unique to this attempt of the task in this run: the task, 12 hex digits of the run
    and task, and the try number (a retry is a new remote job, never a clash with the last)."""
    scope = uuid.uuid5(uuid.NAMESPACE_URL, f"{context.run_id}/{task['id']}").hex[:12]
    return f"{task['id'][:60]}-{scope}-{context.retry_number + 1}"
