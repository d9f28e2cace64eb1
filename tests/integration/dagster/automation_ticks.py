"""Evaluates the declarative automation of a dataset-triggered pipeline tick by tick, as JSON.

Usage: python automation_ticks.py DEFINITIONS_PY SENSOR STEPS_JSON
STEPS: a list of {"materialize": key, "scheduled": date}, {"run": job, "partition": key,
"scheduled": date} and {"tick": true}. A materialisation is reported for the upstream's time
window ending at or before its scheduled date (unpartitioned upstreams get none); a run runs a
generated job in process on that partition (with the recording stand-in), whatever it reports; a tick evaluates the conditions of the sensor's assets at the newest
scheduled date seen so far (the first tick a day before the earliest one) and reports the
partitions it requests. The cursor carries from tick to tick; {"reset": true} starts again from
a new instance with no cursor.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys

TIMESTAMP = "%Y-%m-%dT%H:%M:%S%z"


def main() -> None:
    import dagster as dg

    path, name, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    spec = importlib.util.spec_from_file_location("generated_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defs = module.defs
    sensor = next(s for s in defs.sensors if s.name == name)
    graph = defs.resolve_asset_graph()
    target = sensor.asset_selection
    keys = target.resolve(graph)
    dates = [parse(s["scheduled"]) for s in steps if "scheduled" in s]
    start = min(dates) - datetime.timedelta(days=1)
    clock = start
    ticks = []
    instance = dg.DagsterInstance.ephemeral()
    cursor = None
    try:
        for step in steps:
            if "reset" in step:
                instance.dispose()
                instance = dg.DagsterInstance.ephemeral()
                cursor, clock = None, start
                continue
            if "run" in step:
                clock = max(clock, parse(step["scheduled"]))
                job = defs.resolve_job_def(step["run"])
                run = job.execute_in_process(
                    instance=instance,
                    partition_key=step["partition"],
                    raise_on_error=False,
                )
                if not run.success:
                    raise SystemExit(f"job {step['run']} failed")
                continue
            if "materialize" in step:
                at = parse(step["scheduled"])
                clock = max(clock, at)
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(
                        asset_key=step["materialize"],
                        partition=window_before(graph, step["materialize"], at),
                        metadata={"sl_scheduled_date": step["scheduled"]},
                    )
                )
                continue
            result = dg.evaluate_automation_conditions(
                defs=defs,
                instance=instance,
                asset_selection=target,
                evaluation_time=clock,
                cursor=cursor,
            )
            cursor = result.cursor
            ticks.append(
                {
                    "requested": result.total_requested,
                    "partitions": sorted(
                        {
                            p
                            for key in keys
                            for p in result.get_requested_partitions(key)
                            if p is not None
                        }
                    ),
                }
            )
    finally:
        instance.dispose()
    print("SLO_RESULT " + json.dumps(ticks))


def parse(text):
    return datetime.datetime.strptime(text, TIMESTAMP)


def window_before(graph, key, at):
    """The key of the upstream's time window ending at or before `at`, if it has windows."""
    import dagster as dg

    asset_key = dg.AssetKey(key)
    if not graph.has(asset_key):
        return None
    partitions = graph.get(asset_key).partitions_def
    if partitions is None:
        return None
    window = partitions.get_prev_partition_window(at)
    return (
        None
        if window is None
        else partitions.get_partition_key_for_timestamp(window.start.timestamp())
    )


if __name__ == "__main__":
    main()
