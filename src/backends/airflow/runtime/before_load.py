"""The `pre_execute` of a load task (Airflow calls it before `execute`, on every try,
`dag.test()` included): the files a failed try left in Starlake's ingesting folder go back to
the pending folder, said in the task's log, then the task's asset events are stamped."""

from __future__ import annotations

from ._dag_file import sl_return_load_files
from .dates import sl_stamp_outlets
from .worker_paths import sl_root


def sl_before_load(recover):
    """The pre_execute of a load task: its table's files back where Starlake looks, then the
    stamp of its asset events."""

    def pre_execute(context):
        sl_return_load_files(recover, context["task"].log.info, sl_root())
        sl_stamp_outlets(context)

    return pre_execute
