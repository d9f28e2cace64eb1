"""Unit tests of the Python runtime of generated Dagster definitions (src/backends/dagster/runtime)
and of the load helper both runtimes share (src/backends/python/runtime), run by
tests/integration/dagster-runtime.test.ts in the cached Dagster environment."""

from __future__ import annotations

import sys
from pathlib import Path

# the runtime is imported as the package `runtime`, from its folder's parent
sys.path.insert(
    0, str(Path(__file__).resolve().parents[3] / "src" / "backends" / "dagster")
)
