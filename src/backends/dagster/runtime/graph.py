"""A pipeline as a Dagster graph of a handful of shared op definitions, and its job."""

from __future__ import annotations

import dagster as dg

from ._definitions_file import PIPELINES
from .partitions import _partitions
from .steps import _compute

_OPS = {}


def _inputs(task, assets):
    """Input names of a task's node. A Dagster fan-in input runs the step when at least one
    upstream produced (`none_failed_min_one_success`); `all_success` needs one input per
    upstream, so that a skipped upstream skips the task. In an asset definition's graph, an
    asset that reads assets defined elsewhere has one more input per such asset, fed by the
    definition's inputs: that orders a run of several asset definitions (`dagster asset
    materialize --select +key`)."""
    upstream = task["upstream"]
    if task["trigger"] == "all_success" and len(upstream) > 1:
        names = [f"after_{i}" for i in range(len(upstream))]
    else:
        names = ["after"] if upstream else []
    return [
        *names,
        *(f"asset_{i}" for i in range(len(task["inputs"]) if assets else 0)),
    ]


def _op(task, inputs):
    """The op definition of a task: one per shape (inputs, gate or not, pool, retries, resources). Dagster
    inspects each op's function, and hashes a node's retry policy with it: both live here."""
    retry = (task["retries"], task["retry_delay"]) if task["retries"] else None
    resources = tuple(task.get("resources", ()))
    shape = (tuple(inputs), task["gate"] is not None, task["pool"], retry, resources)
    op = _OPS.get(shape)
    if op is None:
        inputs, gated, pool, retry, resources = shape
        name = f"starlake_{len(inputs)}" + ("_any" if inputs[:1] == ("after",) else "")
        name += "_gate" if gated else ""
        if pool is not None:
            name += "__" + pool
        if retry is not None:
            name += f"__retry_{retry[0]}x_{retry[1]}s"
        for resource in resources:
            name += "__" + resource
        name = "".join(
            c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name
        )
        while any(o.name == name for o in _OPS.values()):
            name += "_"  # two pools that read alike once sanitised ("a-b", "a_b")
        op = _OPS[shape] = dg.OpDefinition(
            name=name,
            ins={i: dg.In(dg.Nothing) for i in inputs},
            outs={"done": dg.Out(dg.Nothing, is_required=not gated)},
            compute_fn=_compute,
            pool=pool,
            # the executor's own limit for the pools a pipeline declares (see _executor)
            tags=None if pool is None else {"slo/pool": pool},
            retry_policy=None
            if retry is None
            else dg.RetryPolicy(max_retries=retry[0], delay=retry[1]),
            # a Dataproc pipeline's cluster (runtime/dataproc.py)
            required_resource_keys=set(resources),
        )
    return op


def _graph(pipeline_id, asset_inputs=None, asset_outputs=None):
    """A pipeline as a graph: a node per task, named after it, wired by the pipeline's edges. For
    an asset definition, `asset_inputs` names a graph input per asset read from elsewhere and
    `asset_outputs` a graph output per task whose table this pipeline defines."""
    pipeline = PIPELINES[pipeline_id]
    done = {
        t["id"]: dg.DependencyDefinition(t["id"], "done") for t in pipeline["tasks"]
    }
    ops = {}
    dependencies = {}
    input_mappings = []
    # an asset definition's graph ends with assets: the trailing tasks that run nothing go
    left_out = set(pipeline["trailing"]) if asset_outputs else set()
    for t in (t for t in pipeline["tasks"] if t["id"] not in left_out):
        inputs = _inputs(t, asset_inputs is not None)
        op = _op(t, inputs)
        ops[op.name] = op
        node = dg.NodeInvocation(op.name, alias=t["id"])
        upstream = [done[u] for u in t["upstream"]]
        after = [i for i in inputs if not i.startswith("asset_")]
        if len(after) > 1:
            dependencies[node] = dict(zip(after, upstream, strict=True))
        elif len(upstream) > 1:
            dependencies[node] = {"after": dg.MultiDependencyDefinition(upstream)}
        else:
            dependencies[node] = {"after": upstream[0]} if upstream else {}
        input_mappings += [
            dg.InputMapping(
                graph_input_name=asset_inputs[key],
                mapped_node_name=t["id"],
                mapped_node_input_name=f"asset_{i}",
            )
            for i, key in enumerate(t["inputs"] if asset_inputs is not None else ())
        ]
    output_mappings = [
        dg.OutputMapping(
            graph_output_name=name,
            mapped_node_name=task_id,
            mapped_node_output_name="done",
        )
        for task_id, name in (asset_outputs or {}).items()
    ]
    return dg.GraphDefinition(
        # the op job bears the pipeline's name; the graph of an asset definition, which that job and
        # the implicit asset job both run, needs one of its own
        name=f"{pipeline_id}_assets" if asset_outputs else pipeline_id,
        node_defs=list(ops.values()),
        dependencies=dependencies,
        input_mappings=input_mappings or None,
        output_mappings=output_mappings or None,
    )


def _executor(pipeline):
    """One writer per DuckDB file inside a run, whatever the instance's pool limits: the
    multiprocess executor starts at most the declared slots of ops tagged with the pool. A
    Dataproc pipeline's steps run in one process, so that its cluster is created once per run."""
    if pipeline.get("environment", {}).get("kind") == "dataproc":
        return dg.in_process_executor
    limits = [
        {"key": "slo/pool", "value": name, "limit": slots}
        for name, slots in sorted(pipeline["pools"].items())
    ]
    return (
        dg.multiprocess_executor.configured({"tag_concurrency_limits": limits})
        if limits
        else None
    )


def _job(pipeline_id, assets):
    """The job of a pipeline, an op job: the graph of its asset definition when it defines
    tables (partitioned the same way; its steps report the assets' materialisations), else its
    own graph. Never an asset job: resolving one subsets every asset definition upstream of its
    selection, which made loading a large project take minutes (docs/benchmarks.md)."""
    pipeline = PIPELINES[pipeline_id]
    common = {
        "description": pipeline["description"],
        "tags": pipeline["tags"],
        "executor_def": _executor(pipeline),
    }
    if assets is None:
        return _graph(pipeline_id).to_job(**common)
    return assets.node_def.to_job(
        name=pipeline_id, partitions_def=_partitions(pipeline), **common
    )
