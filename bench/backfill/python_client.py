"""The Python side of bench/backfill: the official DagsterGraphQLClient, used as its docs show,
submits one run per partition and then reads every run's status, one call each (it has no
batch launch and no run listing). Prints one JSON line of timings (seconds)."""

import json
import sys
import time

from dagster_graphql import DagsterGraphQLClient

port, location, job, ticket, partitions_file = sys.argv[1:6]
with open(partitions_file, encoding="utf-8") as f:
    partitions = json.load(f)

t0 = time.perf_counter()
client = DagsterGraphQLClient("127.0.0.1", port_number=int(port))  # fetches the schema
run_ids = []
for daily, station in partitions:
    run_ids.append(
        client.submit_job_execution(
            job,
            repository_location_name=location,
            repository_name="__repository__",
            tags={
                "slo/backfill": ticket,
                "dagster/partition": f"{daily}|{station}",
                "dagster/partition/daily": daily,
                "dagster/partition/stations": station,
            },
        )
    )
t1 = time.perf_counter()
statuses = [client.get_run_status(run_id) for run_id in run_ids]
t2 = time.perf_counter()
print(
    json.dumps(
        {
            "submit": t1 - t0,
            "sweep": t2 - t1,
            "runs": len(run_ids),
            "states": sorted({s.value for s in statuses}),
        }
    )
)
