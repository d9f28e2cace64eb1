"""Where the project and Starlake are on the worker that runs a task. Macros: read when Airflow
renders a task's templates, never when it imports the file."""

from __future__ import annotations

import os

from ._dag_file import SL_ROOT_DEFAULT, SL_STARLAKE_DEFAULT


def sl_root():
    """The project's folder on this worker: its SL_ROOT, else this file's default."""
    root = os.environ.get("SL_ROOT")
    if root:
        return root
    if os.path.isabs(SL_ROOT_DEFAULT):
        return SL_ROOT_DEFAULT
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, SL_ROOT_DEFAULT))


def sl_starlake():
    """The Starlake executable on this worker: its SL_STARLAKE_PATH, else this file's default."""
    found = os.environ.get("SL_STARLAKE_PATH")
    if found:
        return found
    return "".join(sl_root() if part is None else part for part in SL_STARLAKE_DEFAULT)
