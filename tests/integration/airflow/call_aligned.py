"""Calls a generated DAG file's start check (sl_aligned) for given upstream events, as JSON.

Usage: python call_aligned.py DAG_FILE DAG_ID CASES_JSON
CASES: [{"when": ISO, "events": {uri: scheduled date of its newest event, or null}}]. Prints the
DAG's schedule and start task, and each case's verdict.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys
from types import SimpleNamespace


def main() -> None:
    from airflow.sdk import DAG, Asset

    path, dag_id, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    spec = importlib.util.spec_from_file_location("generated_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start = module.t_start  # generated files name each task's variable t_<task id>
    dag = start.dag
    assert isinstance(dag, DAG) and dag.dag_id == dag_id
    verdicts = []
    for case in cases:
        run = SimpleNamespace(
            logical_date=datetime.datetime.fromisoformat(case["when"]),
            run_after=None,
            consumed_asset_events=[],
        )
        events = {
            Asset(uri): []
            if stamp is None
            else [SimpleNamespace(extra={"sl_scheduled_date": stamp})]
            for uri, stamp in case["events"].items()
        }
        # no earlier run went on for any period here (runs once per period: run_aligned.py)
        ti = SimpleNamespace(
            task_id="start", xcom_pull=lambda **_: None, xcom_push=lambda **_: None
        )
        verdicts.append(
            module.sl_aligned(start.op_kwargs["upstreams"], run, events, ti)
        )
    result = {
        "schedule": type(dag.timetable).__name__,
        "start": type(start).__name__,
        "inlets": sorted(a.uri for a in start.inlets),
        "verdicts": verdicts,
    }
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
