"""Loads many generated Dagster modules and runs their jobs in one Python process.

Usage: python run_many.py PLAN_JSON
PLAN_JSON is a list of {"file", "jobs": [names], "tags": {...}, "record", "key"?}: each module
is loaded and validated (Definitions.validate_loadable), then each job runs in process with the
starlake stand-in appending to that item's record file. Prints one line "SLO_RESULT <json>":
{key (default: file): {"error": str|None, "jobs": {job: success}}}.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback


def load(path, index):
    spec = importlib.util.spec_from_file_location(f"generated_{index}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.defs


def main() -> None:
    import dagster as dg

    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    out = {}
    with dg.DagsterInstance.ephemeral() as instance:
        for index, item in enumerate(plan):
            entry = out[item.get("key", item["file"])] = {"error": None, "jobs": {}}
            try:
                defs = load(item["file"], index)
                dg.Definitions.validate_loadable(defs)
            # reported per module: one bad case must not hide the others
            except Exception:  # noqa: BLE001
                entry["error"] = traceback.format_exc(limit=3)[-2000:]
                continue
            os.environ["SLO_RECORD"] = item["record"]
            for name in item["jobs"]:
                job = defs.resolve_job_def(name)
                result = job.execute_in_process(
                    instance=instance, tags=item["tags"], raise_on_error=False
                )
                entry["jobs"][name] = result.success
    print("SLO_RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
