"""Where a step runs and what it calls on the machine that runs it: the environment's SL_ROOT
and SL_STARLAKE_PATH win over the values written at generate time (worker-paths.ts)."""

from __future__ import annotations

import os

from .words import _word


def _root(pipeline):
    """The project's folder here: SL_ROOT of the environment, else the pipeline's default (a
    relative one is taken from this file's folder)."""
    root = os.environ.get("SL_ROOT")
    if root:
        return root
    if os.path.isabs(pipeline["root"]):
        return pipeline["root"]
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, pipeline["root"]))


def _starlake(pipeline, values):
    """The Starlake executable here: SL_STARLAKE_PATH of the environment, else the pipeline's."""
    return os.environ.get("SL_STARLAKE_PATH") or _word(pipeline["starlake"], values)
