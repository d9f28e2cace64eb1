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
        partitions = spec.partitions_def
        out["assets"][spec.key.to_user_string()] = {
            "group": spec.group_name,
            "deps": sorted(d.asset_key.to_user_string() for d in spec.deps),
            "partitions": None
            if partitions is None
            else {
                "cron": partitions.cron_schedule,
                "timezone": partitions.timezone,
                "fmt": partitions.fmt,
            },
            "automation": None
            if spec.automation_condition is None
            else spec.automation_condition.get_label(),
        }
    executable = {
        key.to_user_string()
        for assets_def in defs.resolve_asset_graph().assets_defs
        if assets_def.is_executable
        for key in assets_def.keys
    }
    for key, asset in out["assets"].items():
        asset["executable"] = key in executable
    for job in defs.jobs:
        job = defs.resolve_job_def(job.name)
        out["jobs"][job.name] = nodes_of(job.graph, job.graph.dependencies)
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
    graph = defs.resolve_asset_graph()
    for sensor in defs.sensors:
        selection = sensor.asset_selection
        out["sensors"][sensor.name] = {
            "kind": type(sensor).__name__,
            "job": sensor.job_name if sensor.has_jobs else None,
            "target": None
            if selection is None
            else sorted(k.to_user_string() for k in selection.resolve(graph)),
            "status": str(sensor.default_status),
        }
    print("SLO_RESULT " + json.dumps(out, sort_keys=True))


def nodes_of(graph, dependencies):
    """The job's steps by task id, also inside a graph node (a graph nested in the job)."""
    nodes = {}
    for invocation, inputs in dependencies.items():
        node = graph.node_named(invocation.alias or invocation.name)
        op = node.definition
        if hasattr(op, "dependencies"):
            nodes.update(nodes_of(op, op.dependencies))
            continue
        upstream = []
        for dependency in inputs.values():
            upstream += [d.node for d in dependency.get_node_dependencies()]
        retry = node.retry_policy or op.retry_policy
        nodes[node.name] = {
            "upstream": sorted(upstream),
            "op": op.name,
            "retries": retry.max_retries if retry else 0,
            "retry_delay": retry.delay if retry else None,
            "pool": op.pool,
            "tags": dict(op.tags),
        }
    return nodes


if __name__ == "__main__":
    main()
