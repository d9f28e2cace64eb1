"""Runs Dagster's own backfill of a partitioned job of generated definitions, as a user would.

Usage: python backfill_job.py DEFINITIONS_PY JOB PARTITIONS
PARTITIONS is comma-separated. In a temporary DAGSTER_HOME, `dagster job backfill` submits the
backfill, then `dagster-daemon run` (in its own process group, stopped at the end) carries it
out. Prints one line "SLO_RESULT <json>": {"status", "runs": [{"partition", "status"}],
"materializations": [[asset key, partition]]}, the asset materialisations the runs recorded.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEADLINE_SECONDS = 420


def main() -> None:
    path, job, partitions = sys.argv[1:4]
    home = tempfile.mkdtemp(prefix="slo-dagster-home-")
    env = {**os.environ, "DAGSTER_HOME": home}
    bin_dir = pathlib.Path(sys.executable).parent
    folder = str(pathlib.Path(path).parent)
    subprocess.run(
        [str(bin_dir / "dagster"), "job", "backfill", "-f", path, "-j", job]
        + ["--partitions", partitions, "--noprompt"],
        env=env,
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=300,
    )
    daemon = subprocess.Popen(
        [str(bin_dir / "dagster-daemon"), "run", "-f", path],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        result = wait_for_backfill(home, len(partitions.split(",")))
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
        shutil.rmtree(home, ignore_errors=True)
    print("SLO_RESULT " + json.dumps(result))


def wait_for_backfill(home, count):
    """The backfill's status and runs once it and its runs are done, or at the deadline."""
    import dagster as dg
    from dagster._core.storage.dagster_run import RunsFilter

    os.environ["DAGSTER_HOME"] = home
    deadline = time.monotonic() + DEADLINE_SECONDS
    with dg.DagsterInstance.get() as instance:
        while True:
            backfill = instance.get_backfills()[0]
            runs = instance.get_runs(
                filters=RunsFilter(tags={"dagster/backfill": backfill.backfill_id})
            )
            done = [r for r in runs if r.is_finished]
            status = backfill.status.value
            if (
                len(done) >= count and status != "REQUESTED"
            ) or time.monotonic() > deadline:
                return {
                    "materializations": materializations(instance, runs),
                    "status": status,
                    "runs": sorted(
                        (
                            {
                                "partition": r.tags.get("dagster/partition"),
                                "status": r.status.value,
                            }
                            for r in runs
                        ),
                        key=lambda r: r["partition"] or "",
                    ),
                }
            time.sleep(2)


def materializations(instance, runs):
    """The asset materialisations the runs recorded, as sorted [asset key, partition] pairs."""
    from dagster._core.events import DagsterEventType

    found = []
    for run in runs:
        for entry in instance.all_logs(
            run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
        ):
            event = entry.dagster_event
            found.append([event.asset_key.to_user_string(), event.partition])
    return sorted(found)


if __name__ == "__main__":
    main()
