"""Prints the ticks a real scheduler fires for each case of a plan, as JSON on stdout.

Usage: python scheduler_ticks.py airflow|dagster PLAN.json
PLAN: [{"cron": ..., "timezone": ..., "start": ISO UTC, "end": ISO UTC}, ...]
Answer: one list per case, the ticks in [start, end) as ISO UTC instants, in order. Airflow's
ticks come from CronTriggerTimetable (what its scheduler dates runs at), Dagster's from the cron
iterator its schedules use.
"""

import datetime
import json
import sys


def utc(text):
    return datetime.datetime.fromisoformat(text)


def iso(when):
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def airflow_ticks(case):
    import pendulum
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    timetable = CronTriggerTimetable(case["cron"], timezone=case["timezone"])
    start = pendulum.instance(utc(case["start"]))
    end = utc(case["end"])
    restriction = TimeRestriction(earliest=start, latest=None, catchup=True)
    ticks, last = [], None
    for _ in range(2000):
        info = timetable.next_dagrun_info(
            last_automated_data_interval=last, restriction=restriction
        )
        if info is None or info.logical_date >= end:
            break
        ticks.append(iso(info.logical_date))
        last = info.data_interval
    return ticks


def dagster_ticks(case):
    from dagster._utils.schedules import cron_string_iterator

    start, end = utc(case["start"]), utc(case["end"])
    ticks = []
    for tick in cron_string_iterator(start.timestamp(), case["cron"], case["timezone"]):
        if tick >= end or len(ticks) >= 2000:
            break
        if tick >= start:
            ticks.append(iso(tick))
    return ticks


def main():
    runner, plan = sys.argv[1], sys.argv[2]
    with open(plan, encoding="utf-8") as f:
        cases = json.load(f)
    ticks = airflow_ticks if runner == "airflow" else dagster_ticks
    print(json.dumps([ticks(case) for case in cases]))


if __name__ == "__main__":
    main()
