from __future__ import annotations

from types import SimpleNamespace

import dagster as dg
import pytest
from runtime import graph, partitions, steps

DAILY = {"cron": "0 0 * * *", "start": "2024-01-01T00:00:00", "fmt": "%Y-%m-%d"}


@pytest.fixture
def project(monkeypatch):
    """Two pipelines: `daily` owns table `a` on daily windows; `manual` owns `b`, unpartitioned."""
    pipelines = {
        "daily": {
            "timezone": "UTC",
            "partitions": DAILY,
            "assets": ["a"],
            "tasks": ({"id": "load_a"}, {"id": "end"}),
        },
        "manual": {"timezone": "UTC", "partitions": None, "assets": ["b"], "tasks": ()},
    }
    assets = {"a": {"owner": "daily"}, "b": {"owner": "manual"}, "c": {"owner": None}}
    monkeypatch.setattr(steps, "PIPELINES", pipelines)
    monkeypatch.setattr(steps, "ASSETS", assets)
    monkeypatch.setattr(steps, "_TASKS", {})
    return pipelines


def interval(start, end):
    return {"start": f"{start}T00:00:00+0000", "end": f"{end}T00:00:00+0000"}


def test_a_step_finds_its_task_by_pipeline_and_node_name(project):
    assert steps._task("daily", "end") == {"id": "end"}
    with pytest.raises(KeyError):
        steps._task("daily", "load_b")


def test_a_table_s_materialisation_is_on_the_window_its_interval_is(project):
    assert steps._partition("a", interval("2024-03-04", "2024-03-05")) == "2024-03-04"
    # an interval that is not one of the owner's windows, or before the first: no window
    assert steps._partition("a", interval("2024-03-04", "2024-03-06")) is None
    assert steps._partition("a", interval("2023-12-31", "2024-01-01")) is None
    # unpartitioned owner, no owner, no interval
    assert steps._partition("b", interval("2024-03-04", "2024-03-05")) is None
    assert steps._partition("c", interval("2024-03-04", "2024-03-05")) is None
    assert steps._partition("a", {"scheduled": "2024-03-05T00:00:00+0000"}) is None


def test_a_step_writes_its_table_only_when_the_run_selected_it():
    def run(outputs, keys):
        return SimpleNamespace(
            selected_output_names=set(outputs),
            selected_asset_keys={dg.AssetKey(k) for k in keys},
        )

    pipeline = {"assets": ["a", "b"]}
    owner = {"asset": True}
    assert steps._selected(run(["done"], ["a"]), pipeline, owner)
    assert not steps._selected(run([], ["b"]), pipeline, owner)
    # a task writing a table another pipeline defines: only when the run holds all our assets
    other = {"asset": False}
    assert steps._selected(run([], ["a", "b"]), pipeline, other)
    assert not steps._selected(run([], ["a"]), pipeline, other)


def test_pipelines_of_one_cron_share_one_partitions_definition(monkeypatch):
    monkeypatch.setattr(partitions, "_PARTITIONS", {})
    first = partitions._partitions({"partitions": DAILY, "timezone": "UTC"})
    again = partitions._partitions({"partitions": dict(DAILY), "timezone": "UTC"})
    paris = partitions._partitions({"partitions": DAILY, "timezone": "Europe/Paris"})
    assert first is again and first is not paris
    assert first.get_partition_keys()[0] == "2024-01-01"
    assert partitions._partitions({"partitions": None, "timezone": "UTC"}) is None


def task(upstream=(), trigger="all_success", inputs=(), **more):
    return {
        "upstream": list(upstream),
        "trigger": trigger,
        "inputs": list(inputs),
        "gate": None,
        "pool": None,
        "retries": 0,
        "retry_delay": 0,
        **more,
    }


def test_a_node_s_inputs_follow_its_trigger_rule_and_the_assets_it_reads():
    assert graph._inputs(task(), False) == []
    assert graph._inputs(task(["a"]), False) == ["after"]
    # all_success: one input per upstream, so that one skipped upstream skips the task
    assert graph._inputs(task(["a", "b"]), False) == ["after_0", "after_1"]
    one = "none_failed_min_one_success"
    assert graph._inputs(task(["a", "b"], one), False) == ["after"]
    # in an asset definition's graph, one more input per asset read from elsewhere
    reads = task(["a"], inputs=["x", "y"])
    assert graph._inputs(reads, True) == ["after", "asset_0", "asset_1"]
    assert graph._inputs(reads, False) == ["after"]


def test_ops_are_shared_by_shape_and_named_apart(monkeypatch):
    monkeypatch.setattr(graph, "_OPS", {})
    plain = graph._op(task(), [])
    assert graph._op(task(), []) is plain and plain.name == "starlake_0"
    retried = graph._op(task(retries=2, retry_delay=30), ["after"])
    assert retried.name == "starlake_1_any__retry_2x_30s"
    assert retried.retry_policy == dg.RetryPolicy(max_retries=2, delay=30)
    # two pools that read alike once sanitised get two names
    first = graph._op(task(pool="a-b"), [])
    second = graph._op(task(pool="a_b"), [])
    assert (first.name, second.name) == ("starlake_0__a_b", "starlake_0__a_b_")
    assert first.tags == {"slo/pool": "a-b"}
    gated = graph._op(task(gate={"sentinel": None}), ["after_0", "after_1"])
    assert gated.name == "starlake_2_gate"
    # a gate may leave its output out: its downstream is then skipped
    assert not gated.outs["done"].is_required


def test_the_executor_holds_a_run_to_its_pools_slots():
    assert graph._executor({"pools": {}}) is None
    executor = graph._executor({"pools": {"duck": 1, "alpha": 2}})
    config = executor.config_schema.resolve_config({}).value["config"]
    limits = config["tag_concurrency_limits"]
    assert limits == [
        {"key": "slo/pool", "value": "alpha", "limit": 2},
        {"key": "slo/pool", "value": "duck", "limit": 1},
    ]
