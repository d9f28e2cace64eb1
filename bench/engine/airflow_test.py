"""Times dag.test() of generated DAG files in real Airflow, and prints the result as JSON.

Usage: python airflow_test.py DAGS_FOLDER DAG_ID [DAG_ID...]
AIRFLOW_HOME must be a scratch folder whose database was migrated (airflow db migrate).
Only dag.test() is timed: parsing the file and starting Python are left out, as the engine's
figures leave out starting Node.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys
import time


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    logging.disable(logging.WARNING)
    folder, *dag_ids = sys.argv[1:]
    bag = DagBag(dag_folder=folder, safe_mode=False)
    if bag.import_errors:
        raise SystemExit(f"import errors: {bag.import_errors}")
    result = {}
    for dag_id in dag_ids:
        dag = bag.dags[dag_id]
        started = time.perf_counter()
        run = dag.test(logical_date=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
        seconds = time.perf_counter() - started
        states = {str(ti.state) for ti in run.get_task_instances()}
        if str(run.state) != "success" or states != {"success"}:
            raise SystemExit(f"{dag_id}: {run.state} {states}")
        result[dag_id] = seconds
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
