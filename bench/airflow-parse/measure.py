"""Parses DAG folders with Airflow's DagBag in one process and prints per-file times as JSON.

Usage: python measure.py ROUNDS MODE FOLDER [FOLDER...]  (AIRFLOW_HOME: a scratch folder)
Airflow's own modules are imported once before timing; each file is parsed ROUNDS times.
MODE "compile": Python compiles the file on every parse (no bytecode cache, as with a read-only
dags folder or PYTHONDONTWRITEBYTECODE). MODE "cached": the first parse writes the bytecode
under a scratch pycache prefix and later parses read it, as a dag processor does by default.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    import airflow.providers.standard.operators.bash
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import DagBag

    rounds = int(sys.argv[1])
    if sys.argv[2] == "cached":
        sys.dont_write_bytecode = False
        sys.pycache_prefix = str(Path(os.environ["AIRFLOW_HOME"]) / "pycache")
    else:
        sys.dont_write_bytecode = True
    result = {}
    for folder in sys.argv[3:]:
        files = sorted(Path(folder).glob("*.py"))
        first = None
        per_file = []
        tasks = 0
        for path in files:
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                bag = DagBag(dag_folder=str(path), safe_mode=False)
                samples.append(time.perf_counter() - started)
                if bag.import_errors:
                    raise SystemExit(f"{path}: {bag.import_errors}")
            first = samples[0] if first is None else first
            per_file.append(statistics.median(samples[1:] if rounds > 1 else samples))
            tasks += sum(len(d.tasks) for d in bag.dags.values())
        result[folder] = {
            "files": len(files),
            "tasks": tasks,
            "first_file_seconds": first,
            "median_file_seconds": statistics.median(per_file),
            "total_seconds": sum(per_file),
        }
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
