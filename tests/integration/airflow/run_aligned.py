"""Runs a mixed-frequency DAG with dag.test() after given upstream asset events, as JSON.

Usage: python run_aligned.py DAGS_FOLDER DAG_ID CASES_JSON
CASES: [{"when": ISO logical date, "events": {uri: sl_scheduled_date stamp}}], run in order in one
database: each case first records its events (as a producing task would), then runs the DAG.
Prints each run's state and task states. AIRFLOW_HOME: a scratch folder, database migrated.
"""

from __future__ import annotations

import datetime
import json
import sys


def record_event(uri: str, stamp: str) -> None:
    """An asset event for uri stamped with the scheduled date it was produced for."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        asset = session.scalar(select(AssetModel).where(AssetModel.uri == uri))
        if asset is None:
            asset = AssetModel(name=uri, uri=uri, group="asset")
            session.add(asset)
            session.flush()
        session.add(AssetEvent(asset_id=asset.id, extra={"sl_scheduled_date": stamp}))


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    folder, dag_id, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    bag = DagBag(dag_folder=folder, safe_mode=False)
    if bag.import_errors:
        raise SystemExit(f"import errors: {bag.import_errors}")
    dag = bag.dags[dag_id]
    runs = []
    for case in cases:
        for uri, stamp in case["events"].items():
            record_event(uri, stamp)
        run = dag.test(logical_date=datetime.datetime.fromisoformat(case["when"]))
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        runs.append({"state": str(run.state), "tasks": states})
    print("SLO_RESULT " + json.dumps(runs))


if __name__ == "__main__":
    main()
