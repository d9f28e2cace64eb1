"""Stand-ins for what each generated DAG file defines itself around the runtime: the renderer
writes the real values, so this file is never written into one (tests patch these)."""

from __future__ import annotations

import pendulum

# The pipeline's time zone and data cron (None: the pipeline has none).
TIMEZONE = pendulum.timezone("UTC")
DATA_CRON = None
# The project's folder for workers without SL_ROOT (relative: from the DAG file's folder).
SL_ROOT_DEFAULT = "."
# The Starlake executable for workers without SL_STARLAKE_PATH: parts joined, None standing for
# the project's folder on the worker.
SL_STARLAKE_DEFAULT = ("starlake",)


def sl_return_load_files(recover, say, root):
    """Written beside the runtime from src/backends/python/runtime/return_load_files.py (shared
    with Dagster); tested in tests/python/dagster/test_return_load_files.py."""
    raise NotImplementedError
