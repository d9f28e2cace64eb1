"""Calls a generated DAG file's date functions for a run triggered by asset events.

Usage: python scheduled_date.py DAG_FILE EVENTS_JSON
EVENTS_JSON: the extras of the consumed asset events. Prints {scheduled, interval_start} as JSON.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys
from types import SimpleNamespace


def main() -> None:
    spec = importlib.util.spec_from_file_location("generated_dag", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = SimpleNamespace(
        logical_date=None,
        run_after=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        consumed_asset_events=[
            SimpleNamespace(extra=e) for e in json.loads(sys.argv[2])
        ],
    )
    result = {
        "scheduled": module.sl_scheduled_date(run),
        "interval_start": module.sl_data_interval_start(run),
    }
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
