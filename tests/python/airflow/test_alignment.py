from __future__ import annotations

from types import SimpleNamespace

import pendulum
import pytest
from fakes import TaskInstance, dag_run
from runtime import alignment, dates

UTC = pendulum.timezone("UTC")


class InletEvents:
    """Airflow's inlet events, by asset: here by the asset's URI."""

    def __init__(self, stamps):
        self.stamps = stamps

    def __getitem__(self, asset):
        return [
            SimpleNamespace(extra={"sl_scheduled_date": s})
            for s in self.stamps[asset.uri]
        ]


@pytest.fixture(autouse=True)
def daily(monkeypatch):
    for module in (alignment, dates):
        monkeypatch.setattr(module, "DATA_CRON", "0 6 * * *")
    monkeypatch.setattr(dates, "TIMEZONE", UTC)


RUN = dag_run(logical_date=pendulum.datetime(2024, 3, 5, 6, tz=UTC))
UPSTREAMS = {"daily": None, "monthly": "0 6 1 * *"}


def test_runs_once_every_upstream_has_data_for_the_period():
    events = InletEvents(
        {"daily": ["2024-03-05T06:00:00+0000"], "monthly": ["2024-03-01T06:00:00+0000"]}
    )
    ti = TaskInstance()
    assert alignment.sl_aligned(UPSTREAMS, RUN, events, ti)
    assert ti.pushed == {"sl_period": "2024-03-05T06:00:00+0000"}


def test_waits_for_an_upstream_behind_its_own_cron():
    events = InletEvents(
        {"daily": ["2024-03-05T06:00:00+0000"], "monthly": ["2024-02-01T06:00:00+0000"]}
    )
    assert not alignment.sl_aligned(UPSTREAMS, RUN, events, TaskInstance())
    none_yet = InletEvents({"daily": ["2024-03-05T06:00:00+0000"], "monthly": []})
    assert not alignment.sl_aligned(UPSTREAMS, RUN, none_yet, TaskInstance())


def test_a_period_already_run_is_skipped():
    events = InletEvents(
        {"daily": ["2024-03-05T06:00:00+0000"], "monthly": ["2024-03-01T06:00:00+0000"]}
    )
    done = TaskInstance(pulled=["2024-03-05T06:00:00+0000"])
    assert not alignment.sl_aligned(UPSTREAMS, RUN, events, done)
    assert done.pushed == {}
