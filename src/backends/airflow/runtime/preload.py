"""Pre-load checks: whether a one-shot check found something to load, the sensor that pokes
one, and the run's scope in the names of not-ready sentinel markers."""

from __future__ import annotations

import re

from airflow.providers.standard.sensors.bash import BashSensor
from airflow.sdk.exceptions import AirflowFailException


def sl_ready(check, ti):
    """Whether a pre-load check found something to load (else its domain's loads are skipped)."""
    return ti.xcom_pull(task_ids=check) == "ready"


def sl_sentinel_scope(dag_run):
    """The run's scope in sentinel marker names: DAG id and run id, path-safe."""
    return re.sub(r"[^A-Za-z0-9_.+:=-]", "_", f"{dag_run.dag_id}__{dag_run.run_id}")


class StarlakePreloadSensor(BashSensor):
    """Pokes a pre-load check: exit 0 ready, 1 not yet, anything else an error. Airflow's
    soft_fail turns every failure into a skip: a Starlake error must fail even then."""

    def poke(self, context):
        try:
            return super().poke(context)
        except AirflowFailException as error:
            raise RuntimeError(f"starlake preload failed: {error}") from error
