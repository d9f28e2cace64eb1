"""The time windows of a pipeline's data cron, as Dagster partitions."""

from __future__ import annotations

import datetime

import dagster as dg

_PARTITIONS = {}


def _partitions(pipeline):
    """The time windows of a pipeline's data cron: one definition per shape, shared by the
    pipelines with the same cron, start and time zone (one run may then hold their assets)."""
    spec = pipeline["partitions"]
    if spec is None:
        return None
    shape = (spec["cron"], spec["start"], pipeline["timezone"], spec["fmt"])
    if shape not in _PARTITIONS:
        _PARTITIONS[shape] = dg.TimeWindowPartitionsDefinition(
            cron_schedule=spec["cron"],
            start=datetime.datetime.fromisoformat(spec["start"]),
            timezone=pipeline["timezone"],
            fmt=spec["fmt"],
        )
    return _PARTITIONS[shape]
