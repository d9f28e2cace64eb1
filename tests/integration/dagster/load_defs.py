"""Loads generated Dagster definitions as a code location would, every warning shown.

Usage: python -W always load_defs.py DEFINITIONS_PY
Imports the module, validates it and resolves every job; prints "SLO_RESULT <json>" with the
number of jobs. Warnings go to stderr, which the caller reads.
"""

from __future__ import annotations

import importlib.util
import json
import sys


def main() -> None:
    import dagster as dg

    spec = importlib.util.spec_from_file_location("generated_definitions", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defs = module.defs
    dg.Definitions.validate_loadable(defs)
    jobs = [defs.resolve_job_def(job.name).name for job in defs.jobs]
    print("SLO_RESULT " + json.dumps({"jobs": len(jobs)}))


if __name__ == "__main__":
    main()
