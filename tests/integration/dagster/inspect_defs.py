"""Loads generated Dagster definitions and prints what tests compare with the IR, as JSON.

Usage: python inspect_defs.py DEFINITIONS_PY
"""

from __future__ import annotations

import importlib.util
import json
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("generated_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.defs


def main() -> None:
    import dagster as dg

    defs = load(sys.argv[1])
    dg.Definitions.validate_loadable(defs)
    out = {"assets": {}, "jobs": {}, "limits": {}, "schedules": {}, "sensors": {}}
    for spec in defs.resolve_all_asset_specs():
        out["assets"][spec.key.to_user_string()] = {
            "group": spec.group_name,
            "deps": sorted(d.asset_key.to_user_string() for d in spec.deps),
        }
    for job in defs.jobs:
        job = defs.resolve_job_def(job.name)
        nodes = {}
        for invocation, inputs in job.dependencies.items():
            upstream = []
            for dependency in inputs.values():
                upstream += [d.node for d in dependency.get_node_dependencies()]
            node = job.graph.node_named(invocation.alias or invocation.name)
            op = node.definition
            retry = node.retry_policy or op.retry_policy
            nodes[node.name] = {
                "upstream": sorted(upstream),
                "op": op.name,
                "retries": retry.max_retries if retry else 0,
                "retry_delay": retry.delay if retry else None,
                "pool": op.pool,
                "tags": dict(op.tags),
            }
        out["jobs"][job.name] = nodes
        # the executor's op limits per tag, as its configuration resolves them (None: the default executor)
        schema = job.executor_def.config_schema
        resolved = (
            schema.resolve_config({}).value
            if hasattr(schema, "resolve_config")
            else None
        )
        config = (resolved or {}).get("config") or {}
        out["limits"][job.name] = config.get("tag_concurrency_limits")
    for schedule in defs.schedules:
        out["schedules"][schedule.name] = {
            "job": schedule.job_name,
            "cron": schedule.cron_schedule,
            "timezone": schedule.execution_timezone,
            "status": str(schedule.default_status),
        }
    for sensor in defs.sensors:
        out["sensors"][sensor.name] = {
            "job": sensor.job_name,
            # MultiAssetSensorDefinition keeps what it monitors privately; it is the one place
            "assets": sorted(k.to_user_string() for k in sensor._monitored_assets),
            "status": str(sensor.default_status),
        }
    print("SLO_RESULT " + json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
