"""Runs one job of generated Dagster definitions in process and prints its outcome as JSON.

Usage: python run_job.py DEFINITIONS_PY JOB [TAGS_JSON]
Prints success, each step's final status, and the materialisations with their metadata.
With SLO_COMPUTE_LOGS=1 the run uses a temporary local instance, whose compute log manager
captures each step's stdout and stderr as Dagster's UI shows them, and prints them too ("logs").
It prints the log messages starting with "slo:" (what the runtime says it did) with their step.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import sys
import tempfile


def main() -> None:
    import dagster as dg

    path, job_name = sys.argv[1:3]
    tags = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    spec = importlib.util.spec_from_file_location("generated_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    job = module.defs.resolve_job_def(job_name)
    logs_dir = tempfile.mkdtemp() if os.environ.get("SLO_COMPUTE_LOGS") == "1" else None
    scratch = (
        dg.DagsterInstance.local_temp(logs_dir)
        if logs_dir
        else dg.DagsterInstance.ephemeral()
    )
    with scratch as instance:
        result = job.execute_in_process(
            instance=instance, tags=tags, raise_on_error=False
        )
        steps = {}
        attempts = {}
        materialized = []
        messages = [
            [entry.step_key and entry.step_key.split(".")[-1], entry.user_message]
            for entry in instance.all_logs(result.run_id)
            if entry.user_message.startswith("slo:")
        ]
        for event in result.all_events:
            # a step of an asset job's pipeline graph is "<pipeline>_assets.<task>": the task
            key = event.step_key and event.step_key.split(".")[-1]
            kind = event.event_type_value
            if kind in ("STEP_START", "STEP_RESTARTED"):
                attempts[key] = attempts.get(key, 0) + 1
            if kind in (
                "STEP_SUCCESS",
                "STEP_FAILURE",
                "STEP_SKIPPED",
                "STEP_UP_FOR_RETRY",
            ):
                steps[key] = kind
            if kind == "ASSET_MATERIALIZATION":
                m = event.event_specific_data.materialization
                materialized.append(
                    {
                        "key": m.asset_key.to_user_string(),
                        "metadata": {k: v.value for k, v in m.metadata.items()},
                    }
                )
    print(
        "SLO_RESULT "
        + json.dumps(
            {
                "success": result.success,
                "steps": steps,
                "attempts": attempts,
                "materialized": materialized,
                "logs": compute_logs(logs_dir),
                "messages": messages,
            }
        )
    )


def compute_logs(folder):
    """Every captured stdout and stderr of the run's steps, one after the other."""
    if folder is None:
        return ""
    files = sorted(pathlib.Path(folder).glob("storage/*/compute_logs/*"))
    text = "\n".join(f.read_text(errors="replace") for f in files if f.is_file())
    shutil.rmtree(folder, ignore_errors=True)
    return text


if __name__ == "__main__":
    main()
