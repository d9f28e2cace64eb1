"""Unit tests of the Python runtime of generated Airflow DAG files (src/backends/airflow/runtime),
run by tests/integration/airflow-runtime.test.ts in the cached Airflow environment."""

from __future__ import annotations

import sys
from pathlib import Path

# the runtime is imported as the package `runtime`, from its folder's parent
sys.path.insert(
    0, str(Path(__file__).resolve().parents[3] / "src" / "backends" / "airflow")
)
