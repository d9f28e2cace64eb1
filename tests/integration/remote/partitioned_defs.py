"""A team's own partitioned Dagster job, as the backfill RFC describes: daily dates times a static
list of stations. Each run appends its partition to the file named by SLO_RECORD; station FAIL
fails, so tests can see a failed run reported."""

import json
import os

import dagster as dg

stations = dg.MultiPartitionsDefinition(
    {
        "daily": dg.DailyPartitionsDefinition(start_date="2024-01-01"),
        "stations": dg.StaticPartitionsDefinition(["NL01497", "NL01912", "FAIL"]),
    }
)


@dg.op
def ingest(context: dg.OpExecutionContext) -> None:
    key = context.partition_key
    with open(os.environ["SLO_RECORD"], "a", encoding="utf-8") as out:
        out.write(
            json.dumps(
                {"job": context.job_name, "partition": str(key), "run": context.run_id}
            )
            + "\n"
        )
    if str(key).endswith("|FAIL") or str(key).startswith("FAIL|"):
        raise dg.Failure(f"station FAIL cannot be ingested ({key})")


@dg.op
def noop() -> None:
    """Does nothing: the cheapest run a server can execute (the backfill benchmark's job)."""


@dg.job(partitions_def=stations)
def ingestion_job() -> None:
    ingest()


@dg.job
def noop_job() -> None:
    noop()


defs = dg.Definitions(jobs=[ingestion_job, noop_job])
