"""What every step of a pipeline's graph does: runs its task's command, gates its downstream
and records its table's materialisation."""

from __future__ import annotations

import datetime
import shlex
import time

import dagster as dg

from ._definitions_file import ASSETS, PIPELINES, sl_return_load_files
from .command import _outcome, _run
from .dates import TIMESTAMP, _run_values
from .partitions import _partitions

# The tasks of each pipeline by id, indexed on first use (a step finds its own by node name).
_TASKS = {}


def _task(pipeline_id, task_id):
    """A pipeline's task by id."""
    tasks = _TASKS.get(pipeline_id)
    if tasks is None:
        pipeline = PIPELINES[pipeline_id]
        tasks = _TASKS[pipeline_id] = {t["id"]: t for t in pipeline["tasks"]}
    return tasks[task_id]


def _selected(context, pipeline, task):
    """Whether a task of an asset definition's graph writes what the run materialises: its own
    selected asset, or, when the run holds every asset of the pipeline (its job), any table."""
    if task["asset"]:
        return "done" in context.selected_output_names
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    return selected.issuperset(pipeline["assets"])


def _compute(context, _inputs):
    """Every step: runs its task's command, gates its downstream, records its dataset. The task is
    found by pipeline and node name (the pipeline names the graph of an asset definition, else
    the job), so a handful of op definitions serve every task."""
    handle = context.op_handle
    pipeline_id = (
        handle.parent.name.removesuffix("_assets")
        if handle.parent
        else context.job_name
    )
    pipeline = PIPELINES[pipeline_id]
    task = _task(pipeline_id, handle.name)
    if task["argv"] is None:
        yield dg.Output(None, "done")
        return
    if (
        handle.parent
        and task["produces"] is not None
        and not _selected(context, pipeline, task)
    ):
        # a table upstream of the selected assets in their pipeline: it stays as it is
        context.log.info(
            "slo: %s writes a table that is not selected: it does not run", task["id"]
        )
        yield dg.Output(None, "done")
        return
    values = _run_values(context, pipeline)
    if "recover" in task:
        # a retry (or a later run) finds the files a failed load left behind
        sl_return_load_files(task["recover"], context.log.info, values["root"])
    code, argv = _run(context, pipeline, task, values)
    if task["gate"] is not None:
        verdict = _outcome(task, code, values)
        sensor = task["gate"]["sensor"]
        if sensor is not None:
            # sensor mode: poke until ready, the timeout counted from the first poke
            deadline = time.monotonic() + sensor["timeout"]
            while (
                verdict == "not_ready"
                and time.monotonic() + sensor["poke_interval"] < deadline
            ):
                time.sleep(sensor["poke_interval"])
                code, argv = _run(context, pipeline, task, values)
                verdict = _outcome(task, code, values)
            if verdict == "not_ready" and not sensor["soft_fail"]:
                raise dg.Failure(
                    f"{task['id']}: nothing to load within {sensor['timeout']} s"
                )
        if verdict == "not_ready":
            context.log.info("%s: nothing to load, its loads are skipped", task["id"])
            return
        if verdict == "error":
            raise dg.Failure(f"{task['id']}: exit code {code}")
    elif code != 0:
        raise dg.Failure(f"{task['id']}: exit code {code}")
    metadata = {"sl_scheduled_date": values["scheduled"], "command": shlex.join(argv)}
    if "start" in values:
        metadata["sl_data_interval_start"] = values["start"]
        metadata["sl_data_interval_end"] = values["end"]
    if task["asset"] and handle.parent:
        # the output is the asset: Dagster records its materialisation with this metadata
        yield dg.Output(None, "done", metadata=metadata)
        return
    if task["produces"] is not None:
        # a run of the pipeline's op job, or a table another pipeline's asset defines: the
        # event, on the asset's time window, is what automation downstream counts
        partition = _partition(task["produces"], values)
        yield dg.AssetMaterialization(
            asset_key=task["produces"], partition=partition, metadata=metadata
        )
    yield dg.Output(None, "done")


def _partition(key, values):
    """The time window of a table's asset that the run's data interval is, if it is one."""
    owner = ASSETS[key]["owner"]
    windows = (
        None
        if owner is None or "start" not in values
        else _partitions(PIPELINES[owner])
    )
    if windows is None:
        return None
    start, end = (
        datetime.datetime.strptime(values[k], TIMESTAMP) for k in ("start", "end")
    )
    if start < windows.start:
        return None
    partition = windows.get_partition_key_for_timestamp(start.timestamp())
    window = windows.time_window_for_partition_key(partition)
    return partition if (window.start, window.end) == (start, end) else None
