"""Runs one generated DAG with dag.test() in real Airflow and writes the task states as JSON.

Usage: python run_dag.py DAGS_FOLDER DAG_ID LOGICAL_DATE_ISO OUTPUT_JSON
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
        json.dump({"state": str(run.state), "tasks": states}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
