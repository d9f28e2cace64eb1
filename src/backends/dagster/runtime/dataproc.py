"""The `dataproc` environment: a cluster per run, held by a resource of the Definitions (created
when the run starts, deleted when it ends whatever its steps did), and a Spark job per step
(google-cloud-dataproc)."""

from __future__ import annotations

import uuid

import dagster as dg
from google.api_core.exceptions import NotFound
from google.cloud import dataproc_v1

from ._definitions_file import PIPELINES
from .cloud import _attempt_id, _google_client, _wait_until

# Seconds between two reads of a running Spark job, and the longest wait for a cluster.
_DATAPROC_POLL = 5
_CLUSTER_WAIT = 3600


def _dataproc_resources():
    """The cluster of each Dataproc pipeline, as a resource its steps require."""
    return {
        p["environment"]["resource"]: dg.ResourceDefinition(
            resource_fn=_cluster(pipeline_id)
        )
        for pipeline_id, p in PIPELINES.items()
        if p.get("environment", {}).get("kind") == "dataproc"
    }


def _cluster(pipeline_id):
    """The resource function of a pipeline's cluster: Dagster initialises it before the first
    step of a run (the pipeline's job runs in one process: once per run) and closes it after
    the last one, whatever they did, which deletes the cluster (a failed load too)."""
    environment = PIPELINES[pipeline_id]["environment"]

    def cluster(init_context):
        run = init_context.dagster_run
        # the pipeline's own job: one cluster per run; another job (a materialisation of its
        # assets) may start one per step, each with a name of its own
        scope = (
            run.run_id
            if run.job_name == pipeline_id
            else f"{run.run_id}/{uuid.uuid4()}"
        )
        name = f"{environment['cluster_prefix']}-{uuid.uuid5(uuid.NAMESPACE_URL, scope).hex[:8]}"
        clusters = _google_client(
            dataproc_v1.ClusterControllerClient,
            environment,
            _dataproc_endpoint(environment),
        )
        where = {"project_id": environment["project"], "region": environment["region"]}
        init_context.log.info(f"slo: creating Dataproc cluster {name}")
        try:
            operation = clusters.create_cluster(
                request={
                    **where,
                    "cluster": {
                        "project_id": environment["project"],
                        "cluster_name": name,
                        "config": environment["cluster_config"],
                    },
                    # a create retried by the client makes no second cluster
                    "request_id": uuid.uuid5(uuid.NAMESPACE_URL, name).hex,
                }
            )
            operation.result(timeout=_CLUSTER_WAIT)
            yield name
        finally:
            init_context.log.info(f"slo: deleting Dataproc cluster {name}")
            try:
                clusters.delete_cluster(request={**where, "cluster_name": name}).result(
                    timeout=_CLUSTER_WAIT
                )
            except NotFound:
                pass  # its creation failed before it existed

    return cluster


def _dataproc_endpoint(environment):
    """Dataproc's endpoint for the region (the global one knows no regional cluster)."""
    return f"{environment['region']}-dataproc.googleapis.com:443"


def _run_dataproc(context, environment, task, args, env):
    """Submits the step as a Spark job on the run's cluster (Starlake's main class, the jars, the
    pipeline's properties under the task's own), its id unique per attempt, and waits for it: a
    job that ends in error or cancelled fails the step. The Starlake variables reach Starlake
    through the argv's --options and the cluster's spark-env properties, not `env`."""
    cluster = getattr(context.resources, environment["resource"])
    jobs = _google_client(
        dataproc_v1.JobControllerClient,
        environment,
        _dataproc_endpoint(environment),
    )
    job_id = _attempt_id(context, task)
    where = {"project_id": environment["project"], "region": environment["region"]}
    properties = {
        **environment["properties"],
        **environment["task_properties"].get(task["id"], {}),
    }
    job = {
        "reference": {"project_id": environment["project"], "job_id": job_id},
        "placement": {"cluster_name": cluster},
        "spark_job": {
            "jar_file_uris": list(environment["jars"]),
            "main_class": environment["main_class"],
            "args": list(args),
            "properties": properties,
        },
    }
    jobs.submit_job(request={**where, "job": job, "request_id": job_id})
    context.log.info(
        "slo: %s runs as Dataproc job %s on cluster %s", task["id"], job_id, cluster
    )
    final = {
        dataproc_v1.JobStatus.State.DONE,
        dataproc_v1.JobStatus.State.ERROR,
        dataproc_v1.JobStatus.State.CANCELLED,
    }

    def ended():
        found = jobs.get_job(request={**where, "job_id": job_id})
        return found if found.status.state in final else None

    def stop():
        jobs.cancel_job(request={**where, "job_id": job_id})

    done = _wait_until(task, f"Dataproc job {job_id}", ended, _DATAPROC_POLL, stop)
    if done.status.state != dataproc_v1.JobStatus.State.DONE:
        details = f": {done.status.details}" if done.status.details else ""
        raise dg.Failure(
            f"{task['id']}: Dataproc job {job_id} ended {done.status.state.name}{details}"
        )
    return 0
