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


def _compute(context, _inputs):
    """Every step: runs its task's command, gates its downstream, records its dataset. The task is
    found by job and node name, so a handful of op definitions serve every task."""
    pipeline = PIPELINES[context.job_name]
    task = _TASKS[context.job_name][context.op_handle.name]
    if task["argv"] is None:
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
    if task["produces"] is not None:
        metadata = {"sl_scheduled_date": values["scheduled"], "command": shlex.join(argv)}
        if "start" in values:
            metadata["sl_data_interval_start"] = values["start"]
            metadata["sl_data_interval_end"] = values["end"]
        yield dg.AssetMaterialization(asset_key=task["produces"], metadata=metadata)
    yield dg.Output(None, "done")


_OPS = {}


def _inputs(task):
    """Input names of a task's node. A Dagster fan-in input runs the step when at least one
    upstream produced (\`none_failed_min_one_success\`); \`all_success\` needs one input per
    upstream, so that a skipped upstream skips the task."""
    upstream = task["upstream"]
    if task["trigger"] == "all_success" and len(upstream) > 1:
        return [f"after_{i}" for i in range(len(upstream))]
    return ["after"] if upstream else []


def _op(task, inputs):
    """The op definition of a task: one per shape (inputs, gate or not, pool, retries). Dagster
    inspects each op's function, and hashes a node's retry policy with it: both live here."""
    retry = (task["retries"], task["retry_delay"]) if task["retries"] else None
    shape = (tuple(inputs), task["gate"] is not None, task["pool"], retry)
    op = _OPS.get(shape)
    if op is None:
        inputs, gated, pool, retry = shape
        name = f"starlake_{len(inputs)}" + ("_any" if inputs == ("after",) else "")
        name += "_gate" if gated else ""
        if pool is not None:
            name += "__" + pool
        if retry is not None:
            name += f"__retry_{retry[0]}x_{retry[1]}s"
        name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
        while any(o.name == name for o in _OPS.values()):
            name += "_"  # two pools that read alike once sanitised ("a-b", "a_b")
        op = _OPS[shape] = dg.OpDefinition(
            name=name,
            ins={i: dg.In(dg.Nothing) for i in inputs},
            outs={"done": dg.Out(dg.Nothing, is_required=not gated)},
            compute_fn=_compute,
            pool=pool,
            # the executor's own limit for the pools a pipeline declares (see _job)
            tags=None if pool is None else {"slo/pool": pool},
            retry_policy=None if retry is None else dg.RetryPolicy(max_retries=retry[0], delay=retry[1]),
        )
    return op


def _job(pipeline_id):
    """A pipeline as a job: a node per task, named after it, wired by the pipeline's edges."""
    pipeline = PIPELINES[pipeline_id]
    done = {t["id"]: dg.DependencyDefinition(t["id"], "done") for t in pipeline["tasks"]}
    ops = {}
    dependencies = {}
    for t in pipeline["tasks"]:
        inputs = _inputs(t)
        op = _op(t, inputs)
        ops[op.name] = op
        node = dg.NodeInvocation(op.name, alias=t["id"])
        upstream = [done[u] for u in t["upstream"]]
        if len(inputs) > 1:
            dependencies[node] = dict(zip(inputs, upstream, strict=True))
        elif len(upstream) > 1:
            dependencies[node] = {"after": dg.MultiDependencyDefinition(upstream)}
        else:
            dependencies[node] = {"after": upstream[0]} if upstream else {}
    graph = dg.GraphDefinition(name=pipeline_id, node_defs=list(ops.values()), dependencies=dependencies)
    # One writer per DuckDB file inside a run, whatever the instance's pool limits: the
    # multiprocess executor starts at most the declared slots of ops tagged with the pool.
    limits = [{"key": "slo/pool", "value": name, "limit": slots} for name, slots in sorted(pipeline["pools"].items())]
    executor = dg.multiprocess_executor.configured({"tag_concurrency_limits": limits}) if limits else None
    return graph.to_job(description=pipeline["description"], tags=pipeline["tags"], executor_def=executor)
`;
