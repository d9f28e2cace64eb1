"""The dates of a run as the Starlake CLI expects them: its scheduled date and, with a data
cron, the data interval, from the run's tags or partition (docs/dates.md)."""

from __future__ import annotations

import datetime
import zoneinfo

import dagster as dg

from .worker_paths import _root

# The format of the scheduled date and of the data interval's bounds sent to Starlake.
TIMESTAMP = "%Y-%m-%dT%H:%M:%S%z"


def _ticks(cron, tz, when):
    """The latest tick of `cron` at or before `when`, and the tick before it (Dagster's own cron
    windows: a window starts at a tick and ends at the next)."""
    windows = dg.TimeWindowPartitionsDefinition(
        cron_schedule=cron,
        start=(when - datetime.timedelta(days=800)).replace(tzinfo=None),
        timezone=tz,
        fmt="%Y-%m-%dT%H:%M:%S",
    )

    def window_start(at):
        key = windows.get_partition_key_for_timestamp(at.timestamp())
        return windows.time_window_for_partition_key(key).start

    end = window_start(when)
    # in UTC: wall-clock arithmetic on an aware time lands in the wrong hour across a clock change
    before = end.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
    return window_start(before), end


def _run_values(context, pipeline):
    """Scheduled date and data interval of this run, as the Starlake CLI expects them."""
    tags = context.run.tags
    if "sl_date" in tags:
        return _day_values(pipeline, tags["sl_date"], context.run_id)
    if (
        "sl_scheduled_date" not in tags
        and pipeline["data_cron"]
        and context.has_partition_key
    ):
        # a partition is the data interval itself: its window ends at the scheduled date
        window = context.partition_time_window
        end = window.end.strftime(TIMESTAMP)
        start = window.start.strftime(TIMESTAMP)
        return {
            "scheduled": end,
            "start": start,
            "end": end,
            "scope": context.run_id,
            "root": _root(pipeline),
        }
    if "sl_scheduled_date" in tags:
        when = datetime.datetime.strptime(tags["sl_scheduled_date"], TIMESTAMP)
    elif "dagster/scheduled_execution_time" in tags:
        when = datetime.datetime.fromisoformat(tags["dagster/scheduled_execution_time"])
    else:
        when = datetime.datetime.now(datetime.UTC)
    scope = context.run_id
    root = _root(pipeline)
    if pipeline["data_cron"] is None:
        local = when.astimezone(zoneinfo.ZoneInfo(pipeline["timezone"]))
        return {"scheduled": local.strftime(TIMESTAMP), "scope": scope, "root": root}
    start, end = _ticks(pipeline["data_cron"], pipeline["timezone"], when)
    return {
        "scheduled": end.strftime(TIMESTAMP),
        "start": start.strftime(TIMESTAMP),
        "end": end.strftime(TIMESTAMP),
        "scope": scope,
        "root": root,
    }


def _day_values(pipeline, day, scope):
    """A day's run is for its last tick of the data cron in the pipeline's zone (the latest
    before the day, if it holds none); without a data cron, for the day's first instant
    (docs/dates.md)."""
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise dg.Failure(
            f"tag sl_date: expected a day such as 2024-01-31, found {day!r}"
        ) from None
    tz = zoneinfo.ZoneInfo(pipeline["timezone"])
    start = datetime.datetime.combine(date, datetime.time(), tzinfo=tz)
    root = _root(pipeline)
    if pipeline["data_cron"] is None:
        return {"scheduled": start.strftime(TIMESTAMP), "scope": scope, "root": root}
    after = datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    before = after.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
    start, end = _ticks(pipeline["data_cron"], pipeline["timezone"], before)
    return {
        "scheduled": end.strftime(TIMESTAMP),
        "start": start.strftime(TIMESTAMP),
        "end": end.strftime(TIMESTAMP),
        "scope": scope,
        "root": root,
    }
