from __future__ import annotations

import datetime

import dagster as dg
import pytest
from fakes import context, pipeline
from runtime import dates

UTC = datetime.UTC


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture(autouse=True)
def no_worker_root(monkeypatch):
    monkeypatch.delenv("SL_ROOT", raising=False)


def test_ticks_are_the_window_that_ends_at_the_latest_tick():
    start, end = dates._ticks("0 2 * * *", "UTC", at("2024-03-05T02:00:00+00:00"))
    assert (start, end) == (
        at("2024-03-04T02:00:00+00:00"),
        at("2024-03-05T02:00:00+00:00"),
    )
    start, end = dates._ticks("0 2 * * *", "UTC", at("2024-03-05T01:59:59+00:00"))
    assert (start, end) == (
        at("2024-03-03T02:00:00+00:00"),
        at("2024-03-04T02:00:00+00:00"),
    )


def test_ticks_of_a_zone_are_counted_in_that_zone():
    # 02:00 in Paris is 01:00 UTC in winter
    start, end = dates._ticks(
        "0 2 * * *", "Europe/Paris", at("2024-03-05T01:30:00+00:00")
    )
    assert end == at("2024-03-05T02:00:00+01:00")
    assert start == at("2024-03-04T02:00:00+01:00")


def test_ticks_across_the_repeated_hour_are_one_real_hour_apart():
    # 27 October 2024, Paris: 02:00-02:59 happens twice; 01:30 UTC is its second showing
    start, end = dates._ticks(
        "0 * * * *", "Europe/Paris", at("2024-10-27T01:30:00+00:00")
    )
    assert end.astimezone(UTC) == at("2024-10-27T01:00:00+00:00")
    assert start.astimezone(UTC) == at("2024-10-27T00:00:00+00:00")


def test_a_day_is_the_last_tick_of_the_data_cron_in_it():
    values = dates._run_values(context({"sl_date": "2024-03-05"}), pipeline())
    assert values == {
        "scheduled": "2024-03-05T02:00:00+0000",
        "start": "2024-03-04T02:00:00+0000",
        "end": "2024-03-05T02:00:00+0000",
        "scope": "run-1",
        "root": "/srv/p",
    }


def test_a_day_without_a_data_cron_is_its_first_instant_in_the_zone():
    p = pipeline(data_cron=None, timezone="Europe/Paris")
    values = dates._run_values(context({"sl_date": "2024-03-05"}), p)
    assert values == {
        "scheduled": "2024-03-05T00:00:00+0100",
        "scope": "run-1",
        "root": "/srv/p",
    }


@pytest.mark.parametrize("day", ["2024-02-30", "yesterday", "2024-03-05T00:00"])
def test_a_day_that_is_not_one_fails_the_step_saying_what_was_expected(day):
    with pytest.raises(dg.Failure) as failure:
        dates._run_values(context({"sl_date": day}), pipeline())
    assert failure.value.description == (
        f"tag sl_date: expected a day such as 2024-01-31, found {day!r}"
    )


def test_a_partition_is_the_data_interval_and_its_end_the_scheduled_date():
    window = dg.TimeWindow(
        at("2024-03-04T00:00:00+00:00"), at("2024-03-05T00:00:00+00:00")
    )
    values = dates._run_values(context(window=window), pipeline(data_cron="0 0 * * *"))
    assert values["scheduled"] == values["end"] == "2024-03-05T00:00:00+0000"
    assert values["start"] == "2024-03-04T00:00:00+0000"


def test_a_scheduled_date_tag_wins_over_the_partition():
    window = dg.TimeWindow(
        at("2024-03-04T00:00:00+00:00"), at("2024-03-05T00:00:00+00:00")
    )
    tags = {"sl_scheduled_date": "2024-06-01T02:00:00+0000"}
    values = dates._run_values(context(tags, window), pipeline())
    assert values["scheduled"] == "2024-06-01T02:00:00+0000"
    assert values["start"] == "2024-05-31T02:00:00+0000"


def test_a_schedule_s_tick_gives_the_window_ending_at_it():
    tags = {"dagster/scheduled_execution_time": "2024-03-05T02:00:00+00:00"}
    values = dates._run_values(context(tags), pipeline())
    assert values["scheduled"] == "2024-03-05T02:00:00+0000"
    assert values["start"] == "2024-03-04T02:00:00+0000"


def test_without_a_data_cron_the_date_is_written_in_the_pipeline_s_zone():
    tags = {"sl_scheduled_date": "2024-07-01T10:00:00+0000"}
    values = dates._run_values(context(tags), pipeline(None, "Asia/Tokyo"))
    assert values == {
        "scheduled": "2024-07-01T19:00:00+0900",
        "scope": "run-1",
        "root": "/srv/p",
    }


def test_a_run_without_a_date_is_for_now():
    before = datetime.datetime.now(UTC)
    values = dates._run_values(context(), pipeline(data_cron=None))
    scheduled = datetime.datetime.strptime(values["scheduled"], dates.TIMESTAMP)
    assert before.replace(microsecond=0) <= scheduled <= datetime.datetime.now(UTC)
