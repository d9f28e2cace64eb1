"""Stand-ins for the Airflow objects the runtime reads: only the attributes it touches."""

from __future__ import annotations

from types import SimpleNamespace


def dag_run(logical_date=None, run_after=None, conf=None, events=()):
    """A DAG run with its dates, conf and the asset events that triggered it."""
    return SimpleNamespace(
        dag_id="d",
        run_id="r",
        logical_date=logical_date,
        run_after=run_after,
        conf=conf,
        consumed_asset_events=[SimpleNamespace(extra=e) for e in events],
    )


class TaskInstance:
    """Records XCom pushes; answers pulls from what it was given."""

    def __init__(self, task_id="start", pulled=None):
        self.task_id = task_id
        self.pulled = pulled
        self.pushed = {}

    def xcom_pull(self, **kwargs):
        return self.pulled

    def xcom_push(self, key, value):
        self.pushed[key] = value


class Task:
    """A task as sl_link sees it: its id and both sides of its edges."""

    def __init__(self, task_id):
        self.task_id = task_id
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
