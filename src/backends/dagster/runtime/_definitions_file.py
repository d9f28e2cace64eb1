"""Stand-ins for what each generated definitions file defines itself around the runtime: the
renderer writes the real values, so this file is never written into one (tests patch these)."""

from __future__ import annotations

# The pipelines and the project's assets as data (see render-definitions.ts for their shape).
PIPELINES: dict = {}
ASSETS: dict = {}


def sl_return_load_files(recover, say, root):
    """Written beside the runtime from src/backends/python/runtime/return_load_files.py (shared
    with Airflow); tested in tests/python/dagster/test_return_load_files.py."""
    raise NotImplementedError
