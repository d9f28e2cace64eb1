from __future__ import annotations

from types import SimpleNamespace

import pendulum
import pytest
from fakes import dag_run
from runtime import dates

PARIS = pendulum.timezone("Europe/Paris")


@pytest.fixture
def daily_at_six(monkeypatch):
    monkeypatch.setattr(dates, "TIMEZONE", PARIS)
    monkeypatch.setattr(dates, "DATA_CRON", "0 6 * * *")


def test_a_run_is_for_the_latest_tick_at_or_before_its_date(daily_at_six):
    before = dag_run(logical_date=pendulum.datetime(2024, 3, 5, 4, 0, tz=PARIS))
    assert dates.sl_scheduled_date(before) == "2024-03-04T06:00:00+0100"
    on_tick = dag_run(logical_date=pendulum.datetime(2024, 3, 5, 6, 0, tz=PARIS))
    assert dates.sl_scheduled_date(on_tick) == "2024-03-05T06:00:00+0100"
    assert dates.sl_data_interval_start(on_tick) == "2024-03-04T06:00:00+0100"


def test_a_run_without_logical_date_is_for_when_it_was_due(daily_at_six):
    run = dag_run(run_after=pendulum.datetime(2024, 3, 5, 12, 0, tz="UTC"))
    assert dates.sl_scheduled_date(run) == "2024-03-05T06:00:00+0100"


def test_the_newest_stamp_of_the_triggering_events_decides(daily_at_six):
    run = dag_run(
        logical_date=pendulum.datetime(2030, 1, 1, tz=PARIS),
        events=[
            {"sl_scheduled_date": "2024-03-02T06:00:00+0100"},
            {"sl_scheduled_date": "2024-03-03T06:00:00+0100"},
            {"other": 1},
        ],
    )
    assert dates.sl_scheduled_date(run) == "2024-03-03T06:00:00+0100"


def test_conf_sl_date_names_a_day_in_the_pipeline_s_zone(daily_at_six):
    run = dag_run(conf={"sl_date": "2024-03-05"})
    assert dates.sl_scheduled_date(run) == "2024-03-05T06:00:00+0100"
    with pytest.raises(
        ValueError, match="conf sl_date: expected a day such as 2024-01-31"
    ):
        dates.sl_scheduled_date(dag_run(conf={"sl_date": "5 March"}))


def test_without_a_data_cron_a_run_is_for_its_own_date(monkeypatch):
    monkeypatch.setattr(dates, "TIMEZONE", PARIS)
    monkeypatch.setattr(dates, "DATA_CRON", None)
    run = dag_run(logical_date=pendulum.datetime(2024, 3, 5, 4, 30, tz=PARIS))
    assert dates.sl_scheduled_date(run) == "2024-03-05T04:30:00+0100"
    assert dates.sl_data_interval_start(run) == ""
    day = dag_run(conf={"sl_date": "2024-03-05"})
    assert dates.sl_scheduled_date(day) == "2024-03-05T00:00:00+0100"


def test_a_task_stamps_its_asset_events_with_the_run_s_date(daily_at_six):
    events = {"a": SimpleNamespace(extra={}), "b": SimpleNamespace(extra={})}
    context = {
        "dag_run": dag_run(logical_date=pendulum.datetime(2024, 3, 5, 7, tz=PARIS)),
        "task": SimpleNamespace(outlets=["a", "b"]),
        "outlet_events": events,
    }
    dates.sl_stamp_outlets(context)
    assert [e.extra for e in events.values()] == [
        {"sl_scheduled_date": "2024-03-05T06:00:00+0100"}
    ] * 2
