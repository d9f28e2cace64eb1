"""The `start` check of a dataset-triggered pipeline whose upstreams are produced at mixed
frequencies (src/backends/airflow/alignment.ts)."""

from __future__ import annotations

import datetime

from airflow.sdk import Asset
from croniter import croniter

from ._dag_file import DATA_CRON
from .dates import TIMESTAMP, _sl_when, sl_scheduled_date


def sl_aligned(upstreams, dag_run, inlet_events, ti):
    """Whether every upstream has data for this run's period (spec 6.2, 6.4): its newest event is
    scheduled at or after the latest tick of its own cron (else the data cron) before the run's
    date. When not, the run's tasks are skipped: a later event triggers it again. A period that an
    earlier run of this DAG went on for (its XCom sl_period) is skipped too: it runs once."""
    when = _sl_when(dag_run)
    for uri, cron in upstreams.items():
        events = inlet_events[Asset(uri)]
        stamp = events[-1].extra.get("sl_scheduled_date") if events else None
        if not isinstance(stamp, str):
            return False
        after = when + datetime.timedelta(seconds=1)
        tick = croniter(cron or DATA_CRON, after).get_prev(datetime.datetime)
        if datetime.datetime.strptime(stamp, TIMESTAMP) < tick:
            return False
    period = sl_scheduled_date(dag_run)
    done = ti.xcom_pull(task_ids=ti.task_id, key="sl_period", include_prior_dates=True)
    if period in (done if isinstance(done, list) else [done]):
        return False
    ti.xcom_push(key="sl_period", value=period)
    return True
