"""What starts a dataset-triggered pipeline: declarative automation of its assets, or a sensor
for a pipeline that only writes tables others define. Both start stopped."""

from __future__ import annotations

import json

import dagster as dg

from ._definitions_file import PIPELINES


def _automation(pipeline_id):
    """When a dataset-triggered pipeline's assets run: when its condition (an asset key, or
    {"all" | "any": [conditions]}) holds, an upstream counting when it has materialised since
    these assets were last requested or materialised; under all, an upstream produced less often
    than the data cron also counts while it has materialised since its own cron's latest tick
    (spec 6.4). Requesting the assets resets every upstream: the same events never start a
    second run."""
    pipeline = PIPELINES[pipeline_id]
    schedule = pipeline["schedule"]
    ac = dg.AutomationCondition
    handled = ac.newly_requested() | ac.newly_updated()

    def ready(uri):
        updated = ac.asset_matches(uri, ac.newly_updated())
        condition = updated.since(handled).with_label(f"{uri} is new")
        cron = schedule["aligned"].get(uri)
        if cron is not None:
            # evaluated on the upstream itself, whose memory does not depend on our time windows
            since_tick = ac.newly_updated().since(
                ac.cron_tick_passed(cron, pipeline["timezone"])
            )
            current = ac.asset_matches(uri, since_tick)
            condition = condition | current.with_label(f"{uri} is current for {cron}")
        return condition

    def holds(condition):
        if isinstance(condition, str):
            return ready(condition)
        parts = [holds(part) for part in condition.get("all", condition.get("any"))]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if "all" in condition else (combined | part)
        return combined

    condition = holds(schedule["condition"]) & ~ac.in_progress()
    if pipeline["partitions"] is not None:
        condition = ac.in_latest_time_window() & condition
    return condition.with_label(f"{pipeline_id}: its upstream datasets are new")


def _holds(condition, ready):
    """Whether a trigger condition (an asset key, or {"all" | "any": [conditions]}) holds."""
    if isinstance(condition, str):
        return ready(condition)
    if "all" in condition:
        return all(_holds(part, ready) for part in condition["all"])
    return any(_holds(part, ready) for part in condition["any"])


def _sensor(pipeline_id, job):
    """The sensor of a dataset-triggered pipeline: the automation of its assets; for a pipeline
    that only writes tables others define, a sensor requesting its job once per new set of
    upstream materialisations that makes its condition hold."""
    pipeline = PIPELINES[pipeline_id]
    name = f"{pipeline_id}_sensor"
    stopped = dg.DefaultSensorStatus.STOPPED
    if pipeline["assets"]:
        target = dg.AssetSelection.assets(
            *(dg.AssetKey(key) for key in pipeline["assets"])
        )
        return dg.AutomationConditionSensorDefinition(
            name, target=target, default_status=stopped, minimum_interval_seconds=30
        )
    datasets = pipeline["schedule"]["datasets"]

    def evaluate(context):
        seen = json.loads(context.cursor) if context.cursor else {}
        latest = {}
        for uri in datasets:
            event = context.instance.get_latest_materialization_event(dg.AssetKey(uri))
            if event is not None:
                latest[uri] = event.timestamp
        fresh = {uri for uri, stamp in latest.items() if stamp > seen.get(uri, 0)}
        if not _holds(pipeline["schedule"]["condition"], fresh.__contains__):
            return dg.SkipReason(
                f"{len(fresh)} of {len(datasets)} upstream assets materialised"
            )
        context.update_cursor(json.dumps(latest, sort_keys=True))
        return dg.RunRequest()

    return dg.SensorDefinition(
        name=name,
        evaluation_fn=evaluate,
        job=job,
        minimum_interval_seconds=30,
        default_status=stopped,
    )
