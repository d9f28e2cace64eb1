"""Asks real Airflow whether a generated DAG's asset condition holds, as its scheduler does.

Usage: python asset_condition.py DAG_FILE DAG_ID CASES_JSON
CASES: [[uri, ...], ...], the assets with an event queued for the DAG since its last run. The DAG
goes through the serialised form the scheduler reads; each case is evaluated by the scheduler's
AssetEvaluator over the DAG's queued-event statuses. Prints the timetable, the condition as
nested data and one verdict per case, as JSON.
"""

from __future__ import annotations

import importlib.util
import json
import sys


def shape(condition) -> object:
    """The condition as nested data: an asset URI, or {"all" | "any": [...]}."""
    from airflow.serialization.definitions.assets import (
        SerializedAsset,
        SerializedAssetAll,
        SerializedAssetAny,
    )

    if isinstance(condition, SerializedAsset):
        return condition.uri
    if isinstance(condition, SerializedAssetAll):
        return {"all": [shape(o) for o in condition.objects]}
    if isinstance(condition, SerializedAssetAny):
        return {"any": [shape(o) for o in condition.objects]}
    return repr(condition)


def main() -> None:
    from airflow.assets.evaluation import AssetEvaluator
    from airflow.serialization.serialized_objects import DagSerialization

    path, dag_id, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    spec = importlib.util.spec_from_file_location("generated_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.t_start.dag  # generated files name each task's variable t_<task id>
    assert dag.dag_id == dag_id
    served = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    condition = served.timetable.asset_condition
    keys = [key for key, _ in condition.iter_assets()]
    # plain assets and their boolean combinations need no database (no aliases, no references)
    evaluator = AssetEvaluator(None)
    verdicts = [
        evaluator.run(condition, {key: key.uri in fresh for key in keys})
        for fresh in cases
    ]
    result = {
        "timetable": type(served.timetable).__name__,
        "condition": shape(condition),
        "verdicts": verdicts,
    }
    print("SLO_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
