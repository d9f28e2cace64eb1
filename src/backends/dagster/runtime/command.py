"""A step's Starlake command: run as argv (no shell) in the project's folder, and, for a
pre-load check, its verdict."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess

import dagster as dg

from .words import _word
from .worker_paths import _starlake


def _command(pipeline, task, values):
    """The task's command here: its argv (the Starlake executable, then the arguments with the
    run's values) and the variables it adds to the environment (the pipeline's, then the run
    values Starlake reads)."""
    starlake = _starlake(pipeline, values)
    argv = [starlake, *(_word(a, values) for a in task["argv"])]
    env = {k: _word(v, values) for k, v in pipeline["env"].items()}
    env.update(
        SL_ROOT=values["root"],
        SL_STARLAKE_PATH=starlake,
        SL_SCHEDULED_DATE=values["scheduled"],
    )
    if "start" in values:
        env["SL_DATA_INTERVAL_START"] = values["start"]
        env["SL_DATA_INTERVAL_END"] = values["end"]
    return argv, env


def _run(context, pipeline, task, values):
    """Runs the task's command as argv (no shell) in SL_ROOT, in a process group of its own
    (a timeout kills it whole); returns its exit code and argv. In a cloud environment, its
    runner (`run` of its data: runtime/fargate.py, cloud_run.py, dataproc.py) hands the
    arguments, without the executable (the image's Starlake), and the Starlake variables to the
    cloud API as data, and returns the job's exit code."""
    environment = pipeline.get("environment")
    if environment is not None:
        args = [_word(a, values) for a in task["argv"]]
        variables = {k: _word(v, values) for k, v in pipeline["env"].items()}
        return environment["run"](context, environment, task, args, variables), args
    argv, env = _command(pipeline, task, values)
    context.log.info("running %s", shlex.join(argv))
    child = subprocess.Popen(
        argv, cwd=values["root"], env={**os.environ, **env}, start_new_session=True
    )
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
