"""Executable assets: each pipeline that defines tables is one graph-backed asset definition,
subsettable, whose graph is the pipeline's own (gates, trigger rules, retries and pools stay
those of its tasks), on the time windows of its data cron when it has one."""

from __future__ import annotations

import dagster as dg

from ._definitions_file import ASSETS, PIPELINES
from .automation import _automation
from .graph import _graph
from .partitions import _partitions


def _asset_definition(pipeline_id):
    """The tables a pipeline defines, as one asset definition: a graph output per table, a graph
    input per asset those tables read from elsewhere."""
    pipeline = PIPELINES[pipeline_id]
    owned = {t["id"]: t["produces"] for t in pipeline["tasks"] if t["asset"]}
    read = sorted({key for t in pipeline["tasks"] for key in t["inputs"]})
    asset_inputs = {key: f"in_{i}" for i, key in enumerate(read)}
    asset_outputs = {task_id: f"out_{i}" for i, task_id in enumerate(owned)}
    automation = (
        _automation(pipeline_id) if pipeline["schedule"]["kind"] == "datasets" else None
    )
    return dg.AssetsDefinition(
        node_def=_graph(pipeline_id, asset_inputs, asset_outputs),
        keys_by_input_name={
            name: dg.AssetKey(key) for key, name in asset_inputs.items()
        },
        keys_by_output_name={
            asset_outputs[task_id]: dg.AssetKey(key) for task_id, key in owned.items()
        },
        specs=[_spec(key, pipeline, automation) for key in owned.values()],
        can_subset=True,
    )


def _spec(key, pipeline, automation=None):
    """A table's asset: its group, lineage and, when its pipeline has some, time windows."""
    asset = ASSETS[key]
    partitions = None if pipeline is None else _partitions(pipeline)
    return dg.AssetSpec(
        key=key,
        group_name=asset["group"],
        deps=[_dep(upstream, partitions) for upstream in asset["deps"]],
        kinds={"starlake"},
        description=asset["description"],
        partitions_def=partitions,
        automation_condition=automation,
    )


def _dep(key, partitions):
    """A dependency on an upstream asset. Time windows map onto time windows of the same time
    zone (Dagster's default); across zones, every upstream window counts for each of ours."""
    owner = ASSETS[key]["owner"] if key in ASSETS else None
    theirs = None if owner is None else _partitions(PIPELINES[owner])
    if partitions is None or theirs is None or theirs.timezone == partitions.timezone:
        return dg.AssetDep(key)
    return dg.AssetDep(key, partition_mapping=dg.AllPartitionMapping())
