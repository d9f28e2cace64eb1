from __future__ import annotations

import pytest
from airflow.providers.standard.sensors.bash import BashSensor
from airflow.sdk.exceptions import AirflowFailException
from fakes import TaskInstance, dag_run
from runtime import preload


def test_a_check_is_ready_only_when_it_printed_ready():
    assert preload.sl_ready("check", TaskInstance(pulled="ready"))
    assert not preload.sl_ready("check", TaskInstance(pulled="not_ready"))
    assert not preload.sl_ready("check", TaskInstance(pulled=None))


def test_the_sentinel_scope_is_path_safe():
    run = dag_run()
    run.dag_id, run.run_id = "d", "manual__2024-03-05T06:00:00+00:00/../x y"
    scope = preload.sl_sentinel_scope(run)
    assert scope == "d__manual__2024-03-05T06:00:00+00:00_.._x_y"
    assert "/" not in scope


def test_a_starlake_error_fails_the_sensor_even_in_soft_fail_mode(monkeypatch):
    def fails(self, context):
        raise AirflowFailException("exit 2")

    monkeypatch.setattr(BashSensor, "poke", fails)
    sensor = preload.StarlakePreloadSensor.__new__(preload.StarlakePreloadSensor)
    with pytest.raises(RuntimeError, match="starlake preload failed: exit 2"):
        sensor.poke({})
    monkeypatch.setattr(BashSensor, "poke", lambda self, context: False)
    assert sensor.poke({}) is False
