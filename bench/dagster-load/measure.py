"""Loads Dagster definition modules as a code location would, and prints per-file times as JSON.

Usage: python measure.py ROUNDS FOLDER [FOLDER...]
Each *.py file is imported under a fresh module name ROUNDS times, and its `defs` resolved
(Definitions.validate_loadable builds every job, schedule and sensor). Dagster itself is
imported once before timing. The first round is left out of the median. Python keeps the compiled
bytecode (in a scratch pycache prefix) as it does for a code location by default. Wall time and
the process's CPU time are both given: on a shared machine the CPU time varies less.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.defs


def main() -> None:
    import dagster as dg

    logging.disable(logging.WARNING)
    sys.dont_write_bytecode = False
    sys.pycache_prefix = tempfile.mkdtemp(prefix="slo-pycache-")
    rounds = int(sys.argv[1])
    result = {"dagster": dg.__version__}
    serial = 0
    for folder in sys.argv[2:]:
        per_file = []
        per_file_cpu = []
        assets = 0
        jobs = 0
        for path in sorted(Path(folder).glob("*.py")):
            samples = []
            cpu = []
            for _ in range(rounds):
                serial += 1
                started = time.perf_counter()
                started_cpu = time.process_time()
                defs = load(path, f"slo_bench_{serial}")
                dg.Definitions.validate_loadable(defs)
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            per_file.append(statistics.median(samples[1:] if rounds > 1 else samples))
            per_file_cpu.append(statistics.median(cpu[1:] if rounds > 1 else cpu))
            repo = defs.get_repository_def()
            graph = repo.asset_graph
            keys = (
                graph.get_all_asset_keys()
                if hasattr(graph, "get_all_asset_keys")
                else graph.all_asset_keys
            )
            assets += len(keys)
            jobs += len([j for j in repo.get_all_jobs() if not j.name.startswith("__")])
        result[folder] = {
            "files": len(per_file),
            "assets": assets,
            "jobs": jobs,
            "total_seconds": sum(per_file),
            "cpu_seconds": sum(per_file_cpu),
        }
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
