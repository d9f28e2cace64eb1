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
    return _sl_latest(start.add(days=1), strictly=True)


def _sl_showings(wall, every_hour):
    """The instants (POSIX seconds) a wall-clock tick fires at, as Airflow's scheduler fires it: a
    time the clock shows twice at its second showing (both, for a cron that fires every hour); a
    time the clock skips as far after the change, unless the cron fires every hour."""
    first = wall.replace(tzinfo=TIMEZONE, fold=0).timestamp()
    second = wall.replace(tzinfo=TIMEZONE, fold=1).timestamp()
    shown = [
        t
        for t in sorted({first, second})
        if datetime.datetime.fromtimestamp(t, TIMEZONE).replace(tzinfo=None) == wall
    ]
    if not shown:
        return [] if every_hour else [first]
    return shown if every_hour else shown[-1:]


def _sl_latest(when, strictly=False):
    """The latest tick of the data cron at or before (strictly: before) when (docs/dates.md).
    Compared as POSIX seconds: aware times of one zone compare by wall clock, fold ignored."""
    every_hour = croniter(DATA_CRON).expanded[1] == ["*"]
    limit = when.timestamp()
    local = datetime.datetime.fromtimestamp(limit, TIMEZONE).replace(tzinfo=None)
    # a tick shown after the clock went back reads up to hours later than when does
    walls = croniter(DATA_CRON, local + datetime.timedelta(hours=3))
    best = None
    while True:
        wall = walls.get_prev(datetime.datetime)
        if best is not None and wall < best[1] - datetime.timedelta(hours=3):
            return datetime.datetime.fromtimestamp(best[0], TIMEZONE)
        for tick in _sl_showings(wall, every_hour):
            before = tick < limit if strictly else tick <= limit
            if before and (best is None or tick > best[0]):
                best = (tick, wall)


def _sl_tick(when):
    """The latest tick of the data cron at or before `when` (`when` itself without one)."""
    return when if DATA_CRON is None else _sl_latest(when)


def sl_scheduled_date(dag_run):
    """The latest tick of the data cron at or before the run (the run's own date without one)."""
    return _sl_tick(_sl_when(dag_run)).strftime(TIMESTAMP)


def sl_data_interval_start(dag_run):
    """Start of the interval a transform covers: the data cron tick before the scheduled date."""
    if DATA_CRON is None:
        return ""
    end = _sl_tick(_sl_when(dag_run))
    return _sl_latest(end, strictly=True).strftime(TIMESTAMP)


def sl_stamp_outlets(context):
    """Records the run's scheduled date on the asset events the task emits, for consumers."""
    stamp = sl_scheduled_date(context["dag_run"])
    for outlet in context["task"].outlets:
        context["outlet_events"][outlet].extra["sl_scheduled_date"] = stamp
