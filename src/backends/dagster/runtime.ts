/**
 * The Python that runs the pipelines' steps in Dagster: static text, the same in every generated
 * file. It reads the literal PIPELINES data above it; nothing happens at import time but building
 * Dagster definitions from that data.
 */
export const DAGSTER_RUNTIME = `
def _ticks(cron, tz, when):
    """The latest tick of \`cron\` at or before \`when\`, and the tick before it (Dagster's own cron
    windows: a window starts at a tick and ends at the next)."""
    windows = dg.TimeWindowPartitionsDefinition(
        cron_schedule=cron,
        start=(when - datetime.timedelta(days=800)).replace(tzinfo=None),
        timezone=tz,
        fmt="%Y-%m-%dT%H:%M:%S",
    )

    def window_start(at):
        key = windows.get_partition_key_for_timestamp(at.timestamp())
        return windows.time_window_for_partition_key(key).start

    end = window_start(when)
    # in UTC: wall-clock arithmetic on an aware time lands in the wrong hour across a clock change
    before = end.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
    return window_start(before), end


def _run_values(context, pipeline):
    """Scheduled date and data interval of this run, as the Starlake CLI expects them."""
    tags = context.run.tags
    if "sl_date" in tags:
        return _day_values(pipeline, tags["sl_date"], context.run_id)
    if "sl_scheduled_date" not in tags and pipeline["data_cron"] and context.has_partition_key:
        # a partition is the data interval itself: its window ends at the scheduled date
        window = context.partition_time_window
        end = window.end.strftime(TIMESTAMP)
        start = window.start.strftime(TIMESTAMP)
        return {"scheduled": end, "start": start, "end": end, "scope": context.run_id, "root": _root(pipeline)}
    if "sl_scheduled_date" in tags:
        when = datetime.datetime.strptime(tags["sl_scheduled_date"], TIMESTAMP)
    elif "dagster/scheduled_execution_time" in tags:
        when = datetime.datetime.fromisoformat(tags["dagster/scheduled_execution_time"])
    else:
        when = datetime.datetime.now(datetime.UTC)
    scope = context.run_id
    root = _root(pipeline)
    if pipeline["data_cron"] is None:
        local = when.astimezone(zoneinfo.ZoneInfo(pipeline["timezone"]))
        return {"scheduled": local.strftime(TIMESTAMP), "scope": scope, "root": root}
    start, end = _ticks(pipeline["data_cron"], pipeline["timezone"], when)
    return {
        "scheduled": end.strftime(TIMESTAMP),
        "start": start.strftime(TIMESTAMP),
        "end": end.strftime(TIMESTAMP),
        "scope": scope,
        "root": root,
    }


def _day_values(pipeline, day, scope):
    """A day's run is for its last tick of the data cron in the pipeline's zone (the latest
    before the day, if it holds none); without a data cron, for the day's first instant
    (docs/dates.md)."""
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise dg.Failure(f"tag sl_date: expected a day such as 2024-01-31, found {day!r}") from None
    tz = zoneinfo.ZoneInfo(pipeline["timezone"])
    start = datetime.datetime.combine(date, datetime.time(), tzinfo=tz)
    root = _root(pipeline)
    if pipeline["data_cron"] is None:
        return {"scheduled": start.strftime(TIMESTAMP), "scope": scope, "root": root}
    after = datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    before = after.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
    start, end = _ticks(pipeline["data_cron"], pipeline["timezone"], before)
    return {
        "scheduled": end.strftime(TIMESTAMP),
        "start": start.strftime(TIMESTAMP),
        "end": end.strftime(TIMESTAMP),
        "scope": scope,
        "root": root,
    }


def _word(arg, values):
    """One argument: a string, or pieces where a one-element tuple names a run value."""
    if isinstance(arg, str):
        return arg
    return "".join(p if isinstance(p, str) else values.get(p[0], "") for p in arg)


def _run(context, pipeline, task, values):
    """Runs the task's command as argv (no shell) in SL_ROOT; returns its exit code."""
    environment = pipeline.get("environment")
    if environment is not None:
        # a cloud environment: its runner (runtime/*.py) hands the argv, without the executable
        # (the image's Starlake), and the Starlake variables to the cloud API as data
        args = [_word(a, values) for a in task["argv"]]
        env = {k: _word(v, values) for k, v in pipeline["env"].items()}
        return environment["run"](context, environment, task, args, env), args
    starlake = _starlake(pipeline, values)
    argv = [starlake, *(_word(a, values) for a in task["argv"])]
    env = {**os.environ, **{k: _word(v, values) for k, v in pipeline["env"].items()}}
    env.update(SL_ROOT=values["root"], SL_STARLAKE_PATH=starlake, SL_SCHEDULED_DATE=values["scheduled"])
    if "start" in values:
        env["SL_DATA_INTERVAL_START"] = values["start"]
        env["SL_DATA_INTERVAL_END"] = values["end"]
    context.log.info("running %s", shlex.join(argv))
    child = subprocess.Popen(argv, cwd=values["root"], env=env, start_new_session=True)
    try:
        return child.wait(timeout=task["timeout"]), argv
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        raise dg.Failure(f"{task['id']}: timed out after {task['timeout']} s") from None


def _outcome(task, code, values):
    """A pre-load check's verdict: ready, not_ready (nothing to load) or error (spec 5.1)."""
    sentinel = task["gate"].get("sentinel")
    if sentinel is None:
        return {0: "ready", 1: "not_ready"}.get(code, "error")
    if code != 0:
        return "error"
    marker = _word(sentinel, values).removeprefix("file://")
    if os.path.exists(marker):
        os.remove(marker)
        return "not_ready"
    return "ready"


_TASKS = {pid: {t["id"]: t for t in p["tasks"]} for pid, p in PIPELINES.items()}


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
    pipeline_id = handle.parent.name.removesuffix("_assets") if handle.parent else context.job_name
    pipeline = PIPELINES[pipeline_id]
    task = _TASKS[pipeline_id][handle.name]
    if task["argv"] is None:
        yield dg.Output(None, "done")
        return
    if handle.parent and task["produces"] is not None and not _selected(context, pipeline, task):
        # a table upstream of the selected assets in their pipeline: it stays as it is
        context.log.info("slo: %s writes a table that is not selected: it does not run", task["id"])
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
            while verdict == "not_ready" and time.monotonic() + sensor["poke_interval"] < deadline:
                time.sleep(sensor["poke_interval"])
                code, argv = _run(context, pipeline, task, values)
                verdict = _outcome(task, code, values)
            if verdict == "not_ready" and not sensor["soft_fail"]:
                raise dg.Failure(f"{task['id']}: nothing to load within {sensor['timeout']} s")
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
        yield dg.AssetMaterialization(asset_key=task["produces"], partition=partition, metadata=metadata)
    yield dg.Output(None, "done")


def _partition(key, values):
    """The time window of a table's asset that the run's data interval is, if it is one."""
    owner = ASSETS[key]["owner"]
    windows = None if owner is None or "start" not in values else _partitions(PIPELINES[owner])
    if windows is None:
        return None
    start, end = (datetime.datetime.strptime(values[k], TIMESTAMP) for k in ("start", "end"))
    if start < windows.start:
        return None
    partition = windows.get_partition_key_for_timestamp(start.timestamp())
    window = windows.time_window_for_partition_key(partition)
    return partition if (window.start, window.end) == (start, end) else None


_OPS = {}


def _inputs(task, assets):
    """Input names of a task's node. A Dagster fan-in input runs the step when at least one
    upstream produced (\`none_failed_min_one_success\`); \`all_success\` needs one input per
    upstream, so that a skipped upstream skips the task. In an asset definition's graph, an
    asset that reads assets defined elsewhere has one more input per such asset, fed by the
    definition's inputs: that orders a run of several asset definitions (\`dagster asset
    materialize --select +key\`)."""
    upstream = task["upstream"]
    if task["trigger"] == "all_success" and len(upstream) > 1:
        names = [f"after_{i}" for i in range(len(upstream))]
    else:
        names = ["after"] if upstream else []
    return [*names, *(f"asset_{i}" for i in range(len(task["inputs"]) if assets else 0))]


def _op(task, inputs):
    """The op definition of a task: one per shape (inputs, gate or not, pool, retries). Dagster
    inspects each op's function, and hashes a node's retry policy with it: both live here."""
    retry = (task["retries"], task["retry_delay"]) if task["retries"] else None
    shape = (tuple(inputs), task["gate"] is not None, task["pool"], retry, tuple(task.get("resources", ())))
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
        name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
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
            retry_policy=None if retry is None else dg.RetryPolicy(max_retries=retry[0], delay=retry[1]),
            required_resource_keys=set(resources),
        )
    return op


def _graph(pipeline_id, asset_inputs=None, asset_outputs=None):
    """A pipeline as a graph: a node per task, named after it, wired by the pipeline's edges. For
    an asset definition, \`asset_inputs\` names a graph input per asset read from elsewhere and
    \`asset_outputs\` a graph output per task whose table this pipeline defines."""
    pipeline = PIPELINES[pipeline_id]
    done = {t["id"]: dg.DependencyDefinition(t["id"], "done") for t in pipeline["tasks"]}
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
        input_mappings += [dg.InputMapping(graph_input_name=asset_inputs[key], mapped_node_name=t["id"], mapped_node_input_name=f"asset_{i}") for i, key in enumerate(t["inputs"] if asset_inputs is not None else ())]
    output_mappings = [dg.OutputMapping(graph_output_name=name, mapped_node_name=task_id, mapped_node_output_name="done") for task_id, name in (asset_outputs or {}).items()]
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
    limits = [{"key": "slo/pool", "value": name, "limit": slots} for name, slots in sorted(pipeline["pools"].items())]
    return dg.multiprocess_executor.configured({"tag_concurrency_limits": limits}) if limits else None


def _job(pipeline_id, assets):
    """The job of a pipeline, an op job: the graph of its asset definition when it defines
    tables (partitioned the same way; its steps report the assets' materialisations), else its
    own graph. Never an asset job: resolving one subsets every asset definition upstream of its
    selection, which made loading a large project take minutes (docs/benchmarks.md)."""
    pipeline = PIPELINES[pipeline_id]
    common = {"description": pipeline["description"], "tags": pipeline["tags"], "executor_def": _executor(pipeline)}
    if assets is None:
        return _graph(pipeline_id).to_job(**common)
    return assets.node_def.to_job(name=pipeline_id, partitions_def=_partitions(pipeline), **common)
`;
