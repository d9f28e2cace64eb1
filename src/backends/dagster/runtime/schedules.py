"""The schedule of a cron pipeline; like every schedule and sensor, it starts stopped, as
Airflow's DAGs start paused (docs/dagster.md)."""

from __future__ import annotations

import dagster as dg

from ._definitions_file import PIPELINES
from .dates import _ticks
from .partitions import _partitions


def _schedule(pipeline_id, job):
    """A cron pipeline's schedule. A job on time windows runs, at each tick, the window
    that ends at the data cron's latest tick: the data interval the engine and Airflow pass."""
    pipeline = PIPELINES[pipeline_id]
    partitions = _partitions(pipeline) if pipeline["assets"] else None

    def window(context):
        start, _ = _ticks(
            pipeline["data_cron"],
            pipeline["timezone"],
            context.scheduled_execution_time,
        )
        if start.timestamp() < partitions.start.timestamp():
            return dg.SkipReason(f"{start.isoformat()} is before the first time window")
        return dg.RunRequest(
            partition_key=partitions.get_partition_key_for_timestamp(start.timestamp())
        )

    return dg.ScheduleDefinition(
        name=f"{pipeline_id}_schedule",
        job=job,
        cron_schedule=pipeline["schedule"]["cron"],
        execution_timezone=pipeline["timezone"],
        execution_fn=None if partitions is None else window,
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
