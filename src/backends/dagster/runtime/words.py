"""An argument of a step's command, as the generated file writes it: a string, or pieces
where a one-element tuple names a run value (`("root",)`: the project's folder here)."""

from __future__ import annotations


def _word(arg, values):
    """One argument: a string, or pieces where a one-element tuple names a run value."""
    if isinstance(arg, str):
        return arg
    return "".join(p if isinstance(p, str) else values.get(p[0], "") for p in arg)
