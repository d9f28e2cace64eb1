"""Runs many generated DAGs with dag.test() in one Airflow process (one start-up for all).

Usage: python run_many.py DAGS_FOLDER PLAN_JSON OUTPUT_JSON
PLAN_JSON is a list of {"dag_id", "logical_date" (ISO), "record", "conf"?}: each run's starlake
stand-in appends to its own record file (SLO_RECORD is set before the run; tasks inherit it);
"conf" is the run's conf, as `slo trigger` sends it.
Writes {"import_errors": {...}, "runs": {dag_id: {"state", "tasks"}}}.
"""

from __future__ import annotations

import datetime
import json
import os
import sys


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    folder, plan_path, output = sys.argv[1:4]
    bag = DagBag(dag_folder=folder, safe_mode=False)
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    runs = {}
    for item in plan:
        dag = bag.dags.get(item["dag_id"])
        if dag is None:
            runs[item["dag_id"]] = {"state": "missing", "tasks": {}}
            continue
        os.environ["SLO_RECORD"] = item["record"]
        when = datetime.datetime.fromisoformat(item["logical_date"])
        try:
            run = dag.test(logical_date=when, run_conf=item.get("conf"))
            tasks = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
            runs[item["dag_id"]] = {"state": str(run.state), "tasks": tasks}
        # reported per DAG: one bad case must not hide the others
        except Exception as error:  # noqa: BLE001
            runs[item["dag_id"]] = {"state": f"error: {error!r}", "tasks": {}}
    errors = {k: (v.splitlines() or [""])[-1] for k, v in bag.import_errors.items()}
    with open(output, "w", encoding="utf-8") as f:
        json.dump({"import_errors": errors, "runs": runs}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
