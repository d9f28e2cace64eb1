"""Evaluates a generated multi-asset sensor tick by tick, between materialisations, as JSON.

Usage: python sensor_ticks.py DEFINITIONS_PY SENSOR STEPS_JSON
STEPS: a list of {"materialize": key, "scheduled": date} and {"tick": true}; each tick reports the
run requests (their tags) or the skip reason. The cursor carries from tick to tick; {"reset": true}
starts again from a new instance with no cursor.
"""

from __future__ import annotations

import importlib.util
import json
import sys


def main() -> None:
    import dagster as dg

    path, name, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    spec = importlib.util.spec_from_file_location("generated_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defs = module.defs
    sensor = next(s for s in defs.sensors if s.name == name)
    keys = list(sensor._monitored_assets)
    ticks = []
    instance = dg.DagsterInstance.ephemeral()
    cursor = None
    try:
        for step in steps:
            if "reset" in step:
                instance.dispose()
                instance = dg.DagsterInstance.ephemeral()
                cursor = None
                continue
            if "materialize" in step:
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(
                        asset_key=step["materialize"],
                        metadata={"sl_scheduled_date": step["scheduled"]},
                    )
                )
                continue
            context = dg.build_multi_asset_sensor_context(
                monitored_assets=keys,
                instance=instance,
                cursor=cursor,
                definitions=defs,
            )
            data = sensor.evaluate_tick(context)
            cursor = data.cursor
            ticks.append(
                {
                    "runs": [dict(r.tags) for r in data.run_requests or []],
                    "skip": data.skip_message,
                }
            )
    finally:
        instance.dispose()
    print("SLO_RESULT " + json.dumps(ticks))


if __name__ == "__main__":
    main()
