"""Loads generated DAG files of cloud environments in real Airflow (with the Google and Amazon
providers) and prints, as JSON, what each operator would be given for two attempts of one run:
its templated fields rendered with Airflow's own Jinja environment, macros and the file's.

Usage: python inspect_cloud.py OUTPUT_JSON DAGS_FOLDER...  (AIRFLOW_HOME: a scratch folder)
Each folder is loaded into a DagBag of its own (their DAG ids may be the same).
"""

from __future__ import annotations

import datetime
import json
import sys
from types import SimpleNamespace

FIELDS = {
    "CloudRunExecuteJobOperator": [
        "project_id",
        "region",
        "job_name",
        "overrides",
        "impersonation_chain",
        "deferrable",
        "polling_period_seconds",
    ],
    "DataprocCreateClusterOperator": [
        "project_id",
        "region",
        "cluster_name",
        "cluster_config",
    ],
    "DataprocSubmitJobOperator": ["project_id", "region", "job"],
    "DataprocDeleteClusterOperator": ["project_id", "region", "cluster_name"],
    "EcsRunTaskOperator": [
        "cluster",
        "task_definition",
        "launch_type",
        "overrides",
        "network_configuration",
        "aws_conn_id",
        "region_name",
        "wait_for_completion",
        "deferrable",
        "waiter_delay",
    ],
}


def render(dag, task, run_id: str, try_number: int) -> dict:
    """The task's fields as Airflow renders them for one attempt of a run."""
    from airflow.sdk.execution_time import macros

    when = datetime.datetime(2024, 3, 5, 2, 0, tzinfo=datetime.UTC)
    dag_run = SimpleNamespace(
        dag_id=dag.dag_id,
        run_id=run_id,
        logical_date=when,
        run_after=when,
        conf={},
        consumed_asset_events=[],
    )
    ti = SimpleNamespace(
        dag_id=dag.dag_id, run_id=run_id, task_id=task.task_id, try_number=try_number
    )
    context = {"dag_run": dag_run, "ti": ti, "run_id": run_id, "macros": macros}
    context.update(dag.user_defined_macros or {})
    jinja = dag.get_template_env()
    out = {}
    for name in FIELDS.get(type(task).__name__, []):
        value = getattr(task, name)
        out[name] = (
            task.render_template(value, context, jinja)
            if name in task.template_fields
            else value
        )
    return out


def describe(dag) -> dict:
    tasks = {}
    for t in dag.tasks:
        tasks[t.task_id] = {
            "type": type(t).__name__,
            "upstream": sorted(t.upstream_task_ids),
            "trigger_rule": str(getattr(t.trigger_rule, "value", t.trigger_rule)),
            "is_setup": bool(getattr(t, "is_setup", False)),
            "is_teardown": bool(getattr(t, "is_teardown", False)),
            "retry_delay": t.retry_delay.total_seconds(),
            "outlets": sorted(o.uri for o in t.outlets),
            "first": render(dag, t, "scheduled__2024-03-05T02:00:00+00:00", 1),
            "retry": render(dag, t, "scheduled__2024-03-05T02:00:00+00:00", 2),
            "other_run": render(dag, t, "manual__2024-03-06T09:00:00+00:00", 1),
        }
    return {"tasks": tasks}


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    view = {}
    for folder in sys.argv[2:]:
        bag = DagBag(dag_folder=folder, safe_mode=False)
        view[folder] = {
            "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
            "dags": {dag_id: describe(dag) for dag_id, dag in sorted(bag.dags.items())},
        }
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(view, f, indent=2, default=str)


if __name__ == "__main__":
    main()
