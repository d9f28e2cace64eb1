/**
 * Functions every generated DAG file defines (as definitions, nothing runs at import): the
 * scheduled date and the data interval of a run, computed from the pipeline's data cron in its
 * time zone, and the verdict of a pre-load check. Airflow calls them while rendering templates.
 */
export const RUNTIME_HELPERS = `
def _sl_when(dag_run):
    """When the run is for: the newest scheduled date of the asset events that triggered it
    (stamped by the producing task), else the day in its conf sl_date (docs/dates.md), else its
    logical date, else when it was due."""
    stamps = [
        datetime.datetime.strptime(event.extra["sl_scheduled_date"], TIMESTAMP)
        for event in getattr(dag_run, "consumed_asset_events", None) or []
        if isinstance(event.extra.get("sl_scheduled_date"), str)
    ]
    day = (getattr(dag_run, "conf", None) or {}).get("sl_date")
    if stamps:
        when = max(stamps)
    elif day is not None:
        return _sl_day(day)
    else:
        when = dag_run.logical_date or dag_run.run_after
    return when.astimezone(TIMEZONE)


def _sl_day(day):
    """A day's run is for its last tick of the data cron in the pipeline's zone (the latest
    before the day, if it holds none); without a data cron, for the day's first instant."""
    try:
        date = datetime.date.fromisoformat(day)
    except (TypeError, ValueError):
        raise ValueError(f"conf sl_date: expected a day such as 2024-01-31, found {day!r}") from None
    start = pendulum.datetime(date.year, date.month, date.day, tz=TIMEZONE)
    if DATA_CRON is None:
        return start
    return croniter(DATA_CRON, start.add(days=1)).get_prev(datetime.datetime)


def sl_stamp_outlets(context):
    """Records the run's scheduled date on the asset events the task emits, for consumers."""
    stamp = sl_scheduled_date(context["dag_run"])
    for outlet in context["task"].outlets:
        context["outlet_events"][outlet].extra["sl_scheduled_date"] = stamp


def _sl_tick(when):
    if DATA_CRON is None or croniter.match(DATA_CRON, when):
        return when
    return croniter(DATA_CRON, when).get_prev(datetime.datetime)


def sl_scheduled_date(dag_run):
    """The latest tick of the data cron at or before the run (the run's own date without one)."""
    return _sl_tick(_sl_when(dag_run)).strftime(TIMESTAMP)


def sl_data_interval_start(dag_run):
    """Start of the interval a transform covers: the data cron tick before the scheduled date."""
    if DATA_CRON is None:
        return ""
    end = _sl_tick(_sl_when(dag_run))
    return croniter(DATA_CRON, end).get_prev(datetime.datetime).strftime(TIMESTAMP)


def sl_ready(check, ti):
    """Whether a pre-load check found something to load (else its domain's loads are skipped)."""
    return ti.xcom_pull(task_ids=check) == "ready"
`;

/**
 * Written only into files with a pre-load sensor. Airflow's soft_fail turns every failure into a
 * skip; a Starlake error (any exit code but 0 and 1) must fail the task even in soft-fail mode.
 */
export const PRELOAD_SENSOR_CLASS = `

class StarlakePreloadSensor(BashSensor):
    """Pokes a pre-load check: exit 0 ready, 1 not yet, anything else an error."""

    def poke(self, context):
        try:
            return super().poke(context)
        except AirflowFailException as error:
            raise RuntimeError(f"starlake preload failed: {error}") from error
`;

/** Written only into files whose pre-load checks use `--notReadySentinel`: one marker per run. */
export const SENTINEL_SCOPE_HELPER = `

def sl_sentinel_scope(dag_run):
    """The run's scope in sentinel marker names: DAG id and run id, path-safe."""
    return re.sub(r"[^A-Za-z0-9_.+:=-]", "_", f"{dag_run.dag_id}__{dag_run.run_id}")
`;

/**
 * Written only into files of dataset-triggered pipelines with mixed-frequency upstreams (see
 * alignment.ts): the `start` check.
 */
export const ALIGNED_HELPER = `
def sl_aligned(upstreams, dag_run, inlet_events, ti):
    """Whether every upstream has data for this run's period (spec 6.2, 6.4): its newest event is
    scheduled at or after the latest tick of its own cron (else the data cron) before the run's
    date. When not, the run's tasks are skipped: a later event triggers it again. A period that an
    earlier run of this DAG went on for (its XCom sl_period) is skipped too: it runs once."""
    when = _sl_when(dag_run)
    for uri, cron in upstreams.items():
        events = inlet_events[Asset(uri)]
        stamp = events[-1].extra.get("sl_scheduled_date") if events else None
        if not isinstance(stamp, str):
            return False
        after = when + datetime.timedelta(seconds=1)
        tick = croniter(cron or DATA_CRON, after).get_prev(datetime.datetime)
        if datetime.datetime.strptime(stamp, TIMESTAMP) < tick:
            return False
    period = sl_scheduled_date(dag_run)
    done = ti.xcom_pull(task_ids=ti.task_id, key="sl_period", include_prior_dates=True)
    if period in (done if isinstance(done, list) else [done]):
        return False
    ti.xcom_push(key="sl_period", value=period)
    return True
`;

/**
 * Written into files with dependencies; runs at parse time. Before recording an edge, Airflow's
 * `>>` checks that both tasks are operators of one DAG by putting each task's DAG in a set, which
 * hashes the DAG over all its task ids: O(tasks × edges) in all, 35 ms of 121 at 1,000 tasks.
 * Here the check holds by construction (operators only, all made in the file's one `with DAG`
 * block), so `sl_link` only records what `>>` records, the task ids on both sides; the DAG
 * serialises the same (docs/airflow.md, "Parse time").
 */
export const LINK_HELPER = `

def sl_link(upstreams, downstreams):
    """Makes each task of downstreams depend on each task of upstreams, recording what \`>>\`
    records, without \`>>\`'s per-task hash of the whole DAG (its same-DAG check: every task here
    is made in the one DAG of this file)."""
    for upstream in upstreams:
        upstream.downstream_task_ids.update(task.task_id for task in downstreams)
    for downstream in downstreams:
        downstream.upstream_task_ids.update(task.task_id for task in upstreams)
`;
