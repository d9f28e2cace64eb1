"""Drives the fake with Google's own Python clients (google-cloud-run, google-cloud-dataproc).

Run with tests/support/fake-google/python on PYTHONPATH and SLO_FAKE_GOOGLE set (the
sitecustomize there sends the gRPC clients to the fake); with SLO_FAKE_GOOGLE_REST (the fake's
REST URL) the REST transport is driven too. Prints one JSON object of what the clients
saw; the vitest test of the fake checks it against what the fake recorded.
"""

import asyncio
import json
import os
import sys

from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import dataproc_v1, run_v2

JOB = "projects/p1/locations/europe-west1/jobs/starlake"
WHERE = {"project_id": "p1", "region": "europe-west1"}


def cloud_run(seen: dict) -> None:
    jobs = run_v2.JobsClient()
    overrides = {
        "container_overrides": [
            {"args": ["load"], "env": [{"name": "A", "value": "b"}]}
        ]
    }
    execution = jobs.run_job(request={"name": JOB, "overrides": overrides}).result(
        timeout=60
    )
    seen["run_ok"] = {"succeeded": execution.succeeded_count, "job": execution.job}
    try:
        jobs.run_job(
            request={
                "name": JOB,
                "overrides": {"container_overrides": [{"args": ["make-it-fail"]}]},
            }
        ).result(timeout=60)
        seen["run_failed"] = "no error"
    except exceptions.GoogleAPICallError as err:
        seen["run_failed"] = err.message


async def cloud_run_async(seen: dict) -> None:
    jobs = run_v2.JobsAsyncClient()
    operation = await jobs.run_job(request={"name": JOB})
    execution = await operation.result(timeout=60)
    seen["run_async"] = execution.succeeded_count


def dataproc(seen: dict) -> None:
    clusters = dataproc_v1.ClusterControllerClient(
        client_options={"api_endpoint": "europe-west1-dataproc.googleapis.com:443"}
    )
    cluster = clusters.create_cluster(
        request={**WHERE, "cluster": {"cluster_name": "py-1"}}
    ).result(timeout=60)
    seen["cluster"] = cluster.status.state.name
    jobs = dataproc_v1.JobControllerClient()
    job = {
        "reference": {"job_id": "py-job-1"},
        "placement": {"cluster_name": "py-1"},
        "spark_job": {
            "main_class": "ai.starlake.job.Main",
            "jar_file_uris": ["gs://b/s.jar"],
            "args": ["load"],
        },
    }
    submitted = jobs.submit_job(request={**WHERE, "job": job})
    seen["job_states"] = [submitted.status.state.name] + [
        jobs.get_job(request={**WHERE, "job_id": "py-job-1"}).status.state.name
        for _ in range(2)
    ]
    clusters.delete_cluster(request={**WHERE, "cluster_name": "py-1"}).result(
        timeout=60
    )
    try:
        clusters.get_cluster(request={**WHERE, "cluster_name": "py-1"})
        seen["deleted"] = False
    except exceptions.NotFound:
        seen["deleted"] = True


def rest(seen: dict, url: str) -> None:
    """The same calls over the clients' REST transport (HTTP/JSON), at the fake's REST URL."""
    kwargs = {
        "transport": "rest",
        "credentials": AnonymousCredentials(),
        "client_options": {"api_endpoint": url},
    }
    jobs = run_v2.JobsClient(**kwargs)
    overrides = {
        "container_overrides": [
            {"args": ["load"], "env": [{"name": "A", "value": "b"}]}
        ]
    }
    execution = jobs.run_job(request={"name": JOB, "overrides": overrides}).result(
        timeout=60
    )
    seen["rest_run_ok"] = {
        "succeeded": execution.succeeded_count,
        "done": bool(execution.completion_time),
    }
    try:
        jobs.run_job(
            request={
                "name": JOB,
                "overrides": {"container_overrides": [{"args": ["make-it-fail"]}]},
            }
        ).result(timeout=60)
        seen["rest_run_failed"] = "no error"
    except exceptions.GoogleAPICallError as err:
        seen["rest_run_failed"] = err.message
    clusters = dataproc_v1.ClusterControllerClient(**kwargs)
    cluster = clusters.create_cluster(
        request={**WHERE, "cluster": {"cluster_name": "rest-1"}}
    ).result(timeout=60)
    seen["rest_cluster"] = cluster.status.state.name
    job = {
        "reference": {"job_id": "rest-job-1"},
        "placement": {"cluster_name": "rest-1"},
        "spark_job": {"main_class": "ai.starlake.job.Main", "args": ["load"]},
    }
    dataproc_jobs = dataproc_v1.JobControllerClient(**kwargs)
    dataproc_jobs.submit_job(request={**WHERE, "job": job})
    seen["rest_job"] = [
        dataproc_jobs.get_job(
            request={**WHERE, "job_id": "rest-job-1"}
        ).status.state.name
        for _ in range(2)
    ]
    clusters.delete_cluster(request={**WHERE, "cluster_name": "rest-1"}).result(
        timeout=60
    )
    try:
        clusters.get_cluster(request={**WHERE, "cluster_name": "rest-1"})
        seen["rest_deleted"] = False
    except exceptions.NotFound:
        seen["rest_deleted"] = True


def main() -> None:
    seen: dict = {}
    cloud_run(seen)
    asyncio.run(cloud_run_async(seen))
    dataproc(seen)
    if os.environ.get("SLO_FAKE_GOOGLE_REST"):
        rest(seen, os.environ["SLO_FAKE_GOOGLE_REST"])
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
