from __future__ import annotations

import json
import os
import sys
import textwrap
import time

import dagster as dg
import pytest
from fakes import context, pipeline
from runtime import command, words, worker_paths

VALUES = {"scheduled": "2024-03-05T02:00:00+0000", "scope": "run-1", "root": "/w/p"}
INTERVAL = {
    **VALUES,
    "start": "2024-03-04T02:00:00+0000",
    "end": "2024-03-05T02:00:00+0000",
}


@pytest.fixture(autouse=True)
def no_worker_paths(monkeypatch):
    monkeypatch.delenv("SL_ROOT", raising=False)
    monkeypatch.delenv("SL_STARLAKE_PATH", raising=False)


def test_a_word_joins_its_pieces_with_the_run_values():
    assert words._word("--domain", VALUES) == "--domain"
    assert words._word(("--", ("scope",), "=", ("root",)), VALUES) == "--run-1=/w/p"
    # a run value the run does not have (no data interval) is empty
    assert words._word(("x", ("start",)), VALUES) == "x"


def test_the_command_is_argv_with_the_run_s_values_and_starlake_first():
    p = pipeline(starlake=(("root",), "/bin/starlake"))
    p["env"] = {"SL_ENV": "prod", "SL_DATASETS": (("root",), "/datasets")}
    task = {"argv": ["load", "--tables", "a b; rm -rf /", ("--date=", ("start",))]}
    argv, env = command._command(p, task, INTERVAL)
    assert argv == [
        "/w/p/bin/starlake",
        "load",
        "--tables",
        "a b; rm -rf /",
        "--date=2024-03-04T02:00:00+0000",
    ]
    assert env == {
        "SL_ENV": "prod",
        "SL_DATASETS": "/w/p/datasets",
        "SL_ROOT": "/w/p",
        "SL_STARLAKE_PATH": "/w/p/bin/starlake",
        "SL_SCHEDULED_DATE": "2024-03-05T02:00:00+0000",
        "SL_DATA_INTERVAL_START": "2024-03-04T02:00:00+0000",
        "SL_DATA_INTERVAL_END": "2024-03-05T02:00:00+0000",
    }


def test_the_run_values_win_over_the_pipeline_s_variables_of_the_same_name():
    p = pipeline()
    p["env"] = {"SL_ROOT": "/elsewhere", "SL_SCHEDULED_DATE": "never"}
    argv, env = command._command(p, {"argv": []}, VALUES)
    assert argv == ["starlake"]
    assert env["SL_ROOT"] == "/w/p" and env["SL_SCHEDULED_DATE"] == VALUES["scheduled"]
    assert "SL_DATA_INTERVAL_START" not in env


def test_the_worker_s_starlake_and_root_win(monkeypatch, tmp_path):
    p = pipeline(starlake="/generated/starlake", root="relative/project")
    assert worker_paths._starlake(p, VALUES) == "/generated/starlake"
    here = os.path.dirname(os.path.abspath(worker_paths.__file__))
    assert worker_paths._root(p) == os.path.join(here, "relative", "project")
    assert worker_paths._root(pipeline(root="/abs/p")) == "/abs/p"
    monkeypatch.setenv("SL_STARLAKE_PATH", "/worker/starlake")
    monkeypatch.setenv("SL_ROOT", str(tmp_path))
    assert worker_paths._starlake(p, VALUES) == "/worker/starlake"
    assert worker_paths._root(p) == str(tmp_path)


def recording_starlake(tmp_path, body=""):
    """A `starlake` that writes its argv, folder and Starlake variables to a file, then runs
    `body` (Python)."""
    script = tmp_path / "starlake"
    record = tmp_path / "record.json"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            f"""\
            import json, os, sys
            keep = {{k: v for k, v in os.environ.items() if k.startswith("SL_")}}
            record = {{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": keep}}
            with open({str(record)!r}, "w") as f:
                json.dump(record, f)
            """
        )
        + body
    )
    script.chmod(0o755)
    return script, record


def test_a_run_starts_the_command_without_a_shell_in_the_project_folder(tmp_path):
    script, record = recording_starlake(tmp_path, "sys.exit(3)\n")
    p = pipeline(starlake=str(script))
    task = {"id": "load_t", "argv": ["load", "$(touch x)", "*"], "timeout": 60}
    values = {**VALUES, "root": str(tmp_path)}
    step = context()
    code, argv = command._run(step, p, task, values)
    assert code == 3
    assert argv == [str(script), "load", "$(touch x)", "*"]
    seen = json.loads(record.read_text())
    assert seen["argv"] == ["load", "$(touch x)", "*"]
    assert seen["cwd"] == str(tmp_path)
    assert seen["env"]["SL_ROOT"] == str(tmp_path)
    assert not (tmp_path / "x").exists()
    assert step.log.lines == [f"running {script} load '$(touch x)' '*'"]


def test_a_command_past_its_timeout_is_killed_with_its_children(tmp_path):
    # a shell (quick to start, so the pid file is there well before the timeout) starts a
    # child that would outlive it, then waits: both must be gone
    script = tmp_path / "starlake"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path}/child.pid\nwait\n")
    script.chmod(0o755)
    task = {"id": "load_t", "argv": [], "timeout": 5}
    values = {**VALUES, "root": str(tmp_path)}
    with pytest.raises(dg.Failure) as failure:
        command._run(context(), pipeline(starlake=str(script)), task, values)
    assert failure.value.description == "load_t: timed out after 5 s"
    pid = int((tmp_path / "child.pid").read_text())
    # the grandchild was sent SIGKILL with its group (it may linger as a zombie of init); the
    # kernel ends it when next scheduled, which a loaded machine may delay a little
    state = "R"
    for _ in range(50):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                state = stat.read().split(") ")[1][0]
        except FileNotFoundError:
            state = "gone"
        if state in ("gone", "Z"):
            break
        time.sleep(0.1)
    assert state in ("gone", "Z")


def test_a_check_s_verdict_from_its_exit_code():
    task = {"gate": {"sentinel": None}}
    assert command._outcome(task, 0, VALUES) == "ready"
    assert command._outcome(task, 1, VALUES) == "not_ready"
    assert command._outcome(task, 2, VALUES) == "error"


def test_a_check_s_verdict_from_its_sentinel_file(tmp_path):
    sentinel = ("file://", ("root",), "/", ("scope",), ".notready")
    task = {"gate": {"sentinel": sentinel}}
    values = {**VALUES, "root": str(tmp_path)}
    assert command._outcome(task, 0, values) == "ready"
    assert command._outcome(task, 1, values) == "error"
    marker = tmp_path / "run-1.notready"
    marker.write_text("")
    assert command._outcome(task, 0, values) == "not_ready"
    # the marker is consumed: the next check of the same run starts afresh
    assert not marker.exists()
