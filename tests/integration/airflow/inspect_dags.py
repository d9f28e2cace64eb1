"""Loads generated DAG files in real Airflow and prints what Airflow sees, as JSON.

Usage: python inspect_dags.py DAGS_FOLDER OUTPUT_JSON  (AIRFLOW_HOME: a scratch folder)
"""

from __future__ import annotations

import json
import sys
import time


def asset_expression(schedule) -> object:
    """The asset condition of a dataset-triggered DAG as nested data ({"any"|"all": [...]})."""
    from airflow.sdk import Asset
    from airflow.sdk.definitions.asset import AssetAll, AssetAny

    if isinstance(schedule, Asset):
        return schedule.uri
    if isinstance(schedule, AssetAny):
        return {"any": [asset_expression(o) for o in schedule.objects]}
    if isinstance(schedule, AssetAll):
        return {"all": [asset_expression(o) for o in schedule.objects]}
    return repr(schedule)


def serialized_upstreams(dag) -> dict:
    """Upstream ids per task after the round trip through the serialised form the scheduler reads
    (rebuilt from each task's downstream ids)."""
    from airflow.serialization.serialized_objects import DagSerialization

    back = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    return {t.task_id: sorted(t.upstream_task_ids) for t in back.tasks}


def describe(dag) -> dict:
    serialized = serialized_upstreams(dag)
    timetable = dag.timetable
    schedule: object
    if type(timetable).__name__ == "CronTriggerTimetable":
        # the scheduler's class keeps them private; the task SDK's class of the same name, which a
        # DAG file may build itself, has them public
        expression = getattr(timetable, "_expression", None) or timetable.expression
        zone = getattr(timetable, "_timezone", None) or timetable.timezone
        schedule = {"cron": expression, "timezone": str(zone)}
    elif type(timetable).__name__ == "AssetTriggeredTimetable":
        schedule = {"assets": asset_expression(timetable.asset_condition)}
    else:
        schedule = type(timetable).__name__
    tasks = {}
    for t in dag.tasks:
        tasks[t.task_id] = {
            "type": type(t).__name__,
            "upstream": sorted(t.upstream_task_ids),
            "downstream": sorted(t.downstream_task_ids),
            "serialized_upstream": serialized[t.task_id],
            "group": t.task_group.group_id
            if t.task_group and t.task_group.group_id
            else None,
            "outlets": sorted(o.uri for o in t.outlets),
            "retries": t.retries,
            "retry_delay": t.retry_delay.total_seconds(),
            "pool": t.pool,
            "trigger_rule": str(
                t.trigger_rule.value
                if hasattr(t.trigger_rule, "value")
                else t.trigger_rule
            ),
            "bash_command": getattr(t, "bash_command", None),
            "cwd": getattr(t, "cwd", None),
        }
    return {
        "schedule": schedule,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tags": sorted(dag.tags),
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "tasks": tasks,
    }


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    started = time.perf_counter()
    bag = DagBag(dag_folder=sys.argv[1], safe_mode=False)
    elapsed = time.perf_counter() - started
    out = {
        "import_errors": {
            k: v.splitlines()[-1] if v else v for k, v in bag.import_errors.items()
        },
        "seconds": elapsed,
        "dags": {dag_id: describe(dag) for dag_id, dag in sorted(bag.dags.items())},
    }
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
