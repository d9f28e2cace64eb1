// Writes, for one of our load pipelines, the DAG file a user of the Python reference library
// (starlake-airflow 0.6, or starlake-dagster 0.5 with orchestrator DAGSTER) would have: the same schedule, domains and tables, written against the
// library's documented API (StarlakeJobFactory, OrchestrationFactory, sl_pre_load, sl_import,
// sl_load, task groups). Used only to compare parse times.

const py = (s) => JSON.stringify(s);

export function referenceDag(pipeline, options, orchestrator = "AIRFLOW") {
  const byDomain = new Map();
  for (const t of pipeline.tasks) {
    if (t.kind !== "load") continue;
    byDomain.set(t.domain, [...(byDomain.get(t.domain) ?? []), t.table]);
  }
  const cron = pipeline.schedule.kind === "cron" ? pipeline.schedule.cron : null;
  const domains = [...byDomain]
    .map(
      ([d, tables]) =>
        `StarlakeDomain(name=${py(d)}, final_name=${py(d)}, tables=[${tables.map((t) => `StarlakeTable(name=${py(t)}, final_name=${py(t)})`).join(", ")}])`,
    )
    .join(",\n        ");
  return `description = ${py(pipeline.description)}
options = ${JSON.stringify(options)}

import os

from ai.starlake.common import sanitize_id
from ai.starlake.job import StarlakeExecutionEnvironment, StarlakeJobFactory, StarlakeOrchestrator
from ai.starlake.orchestration import OrchestrationFactory, StarlakeDomain, StarlakeSchedule, StarlakeTable

sl_job = StarlakeJobFactory.create_job(
    filename=os.path.basename(__file__),
    module_name=__name__,
    orchestrator=StarlakeOrchestrator.${orchestrator},
    execution_environment=StarlakeExecutionEnvironment.SHELL,
    options=options,
)

schedules = [
    StarlakeSchedule(name=None, cron=${py(cron)}, domains=[
        ${domains}
    ])
]

with OrchestrationFactory.create_orchestration(job=sl_job) as orchestration:
    for schedule in schedules:
        with orchestration.sl_create_pipeline(schedule=schedule) as pipeline:
            start = pipeline.start_task()
            groups = []
            for domain in schedule.domains:
                name = domain.name
                tables = set(t.name for t in domain.tables)
                with orchestration.sl_create_task_group(group_id=sanitize_id(name), pipeline=pipeline) as group:
                    with orchestration.sl_create_task_group(group_id=sanitize_id(f"pre_load_{name}"), pipeline=pipeline) as pre:
                        check = pipeline.sl_pre_load(domain=domain.name, tables=tables, params={"cron": schedule.cron})
                        skip = pipeline.skip_or_start(task_id=f"skip_or_start_loading_{name}", upstream_task=check)
                        stage = pipeline.sl_import(task_id=f"import_{name}", domain=domain.name, tables=tables)
                        if skip:
                            check >> skip
                            skip >> stage
                        else:
                            check >> stage
                    with orchestration.sl_create_task_group(group_id=sanitize_id(f"load_{name}"), pipeline=pipeline) as loads:
                        for table in domain.tables:
                            pipeline.sl_load(
                                task_id=sanitize_id(f"load_{domain.name}_{table.name}"),
                                domain=domain.name,
                                table=table.name,
                                params={"cron": schedule.cron},
                            )
                    pre >> loads
                groups.append(group)
            end = pipeline.end_task()
            start >> groups
            end << groups
`;
}
