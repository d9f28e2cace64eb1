"""Times in-process execution of generated Dagster jobs, and prints the result as JSON.

Usage: python dagster_execute.py DEFINITIONS_PY JOB [JOB...]
Only execute_in_process() is timed, not loading the module. The instance keeps runs and events
in SQLite in a temporary folder (as `dagster dev` would; the engine keeps its state in SQLite too).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import time


def main() -> None:
    import dagster as dg

    logging.disable(logging.WARNING)
    path, *jobs = sys.argv[1:]
    spec = importlib.util.spec_from_file_location("generated_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = {}
    for name in jobs:
        job = module.defs.resolve_job_def(name)
        with dg.DagsterInstance.local_temp() as instance:
            started = time.perf_counter()
            run = job.execute_in_process(instance=instance, raise_on_error=False)
            result[name] = time.perf_counter() - started
        if not run.success:
            raise SystemExit(f"{name}: failed")
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
