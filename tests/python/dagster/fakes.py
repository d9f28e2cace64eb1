"""Stand-ins for the Dagster objects the runtime reads: only the attributes it touches."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[3]


def shared(name):
    """A module of src/backends/python/runtime, loaded under its own name (its package is also
    called `runtime`)."""
    path = ROOT / "src" / "backends" / "python" / "runtime" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"slo_shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Log:
    """Records what a step logs, formatted."""

    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args if args else message)


def context(tags=None, window=None, run_id="run-1"):
    """A step's context: its run's tags and, when given, its partition's time window."""
    return SimpleNamespace(
        run=SimpleNamespace(tags=dict(tags or {})),
        run_id=run_id,
        has_partition_key=window is not None,
        partition_time_window=window,
        log=Log(),
    )


def pipeline(data_cron="0 2 * * *", timezone="UTC", root="/srv/p", **more):
    """A pipeline as the generated file writes it: the fields the runtime reads."""
    return {
        "data_cron": data_cron,
        "timezone": timezone,
        "root": root,
        "env": {},
        "starlake": "starlake",
        **more,
    }
