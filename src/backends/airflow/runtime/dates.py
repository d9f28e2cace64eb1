"""The dates of a run, computed from the pipeline's data cron in its time zone: the scheduled
date, and the start of the data interval a transform covers (docs/dates.md)."""

from __future__ import annotations

import datetime

import pendulum
from croniter import croniter

from ._dag_file import DATA_CRON, TIMEZONE

TIMESTAMP = "%Y-%m-%dT%H:%M:%S%z"


def _sl_when(dag_run):
    """When the run is for: the newest scheduled date of the asset events that triggered it
    (stamped by the producing task), else the day in its conf sl_date, else its logical date,
    else when it was due."""
    stamps = [
        datetime.datetime.strptime(event.extra["sl_scheduled_date"], TIMESTAMP)
        for event in getattr(dag_run, "consumed_asset_events", None) or []
        if isinstance(event.extra.get("sl_scheduled_date"), str)
    ]
    day = (getattr(dag_run, "conf", None) or {}).get("sl_date")
    if stamps:
        when = max(stamps)
    elif day is not None:
        return _sl_day(day)
    else:
        when = dag_run.logical_date or dag_run.run_after
    return when.astimezone(TIMEZONE)


def _sl_day(day):
    """A day's run is for its last tick of the data cron in the pipeline's zone (the latest
    before the day, if it holds none); without a data cron, for the day's first instant."""
    try:
        date = datetime.date.fromisoformat(day)
    except (TypeError, ValueError):
        raise ValueError(
            f"conf sl_date: expected a day such as 2024-01-31, found {day!r}"
        ) from None
    start = pendulum.datetime(date.year, date.month, date.day, tz=TIMEZONE)
    if DATA_CRON is None:
        return start
    return croniter(DATA_CRON, start.add(days=1)).get_prev(datetime.datetime)


def _sl_tick(when):
    """The latest tick of the data cron at or before `when` (`when` itself without one)."""
    if DATA_CRON is None or croniter.match(DATA_CRON, when):
        return when
    return croniter(DATA_CRON, when).get_prev(datetime.datetime)


def sl_scheduled_date(dag_run):
    """The latest tick of the data cron at or before the run (the run's own date without one)."""
    return _sl_tick(_sl_when(dag_run)).strftime(TIMESTAMP)


def sl_data_interval_start(dag_run):
    """Start of the interval a transform covers: the data cron tick before the scheduled date."""
    if DATA_CRON is None:
        return ""
    end = _sl_tick(_sl_when(dag_run))
    return croniter(DATA_CRON, end).get_prev(datetime.datetime).strftime(TIMESTAMP)


def sl_stamp_outlets(context):
    """Records the run's scheduled date on the asset events the task emits, for consumers."""
    stamp = sl_scheduled_date(context["dag_run"])
    for outlet in context["task"].outlets:
        context["outlet_events"][outlet].extra["sl_scheduled_date"] = stamp
