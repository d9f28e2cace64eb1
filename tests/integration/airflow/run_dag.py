"""Runs one generated DAG with dag.test() in real Airflow and writes the task states as JSON.

Usage: python run_dag.py DAGS_FOLDER DAG_ID LOGICAL_DATE_ISO OUTPUT_JSON
Writes the run's state, its task states and the asset events it emitted.
AIRFLOW_HOME must be a scratch folder whose database was migrated (airflow db migrate).
"""

from __future__ import annotations

import datetime
import json
import sys


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    folder, dag_id, logical, output = sys.argv[1:5]
    bag = DagBag(dag_folder=folder, safe_mode=False)
    if bag.import_errors:
        raise SystemExit(f"import errors: {bag.import_errors}")
    dag = bag.dags[dag_id]
    run = dag.test(logical_date=datetime.datetime.fromisoformat(logical))
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    with open(output, "w", encoding="utf-8") as f:
        json.dump(
            {
                "state": str(run.state),
                "tasks": states,
                "asset_events": asset_events(run.run_id),
            },
            f,
            indent=1,
            sort_keys=True,
        )


def asset_events(run_id):
    """The asset events the run's tasks emitted: uri, emitting task and extra."""
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetEvent).filter(AssetEvent.source_run_id == run_id).all()
        )
        return [
            {"uri": e.asset.uri, "task": e.source_task_id, "extra": dict(e.extra or {})}
            for e in rows
        ]


if __name__ == "__main__":
    main()
