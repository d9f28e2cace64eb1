from __future__ import annotations

from types import SimpleNamespace

from fakes import Task
from runtime import before_load, links


def test_sl_link_records_both_sides_of_every_edge():
    a, b, c = Task("a"), Task("b"), Task("c")
    links.sl_link([a, b], [c])
    links.sl_link([a], [b])
    assert a.downstream_task_ids == {"b", "c"}
    assert b.upstream_task_ids == {"a"} and b.downstream_task_ids == {"c"}
    assert c.upstream_task_ids == {"a", "b"}


def test_a_load_returns_its_files_under_the_worker_s_root_then_stamps(monkeypatch):
    calls = []
    monkeypatch.setenv("SL_ROOT", "/w/p")
    monkeypatch.setattr(
        before_load,
        "sl_return_load_files",
        lambda recover, say, root: calls.append(("return", recover, say, root)),
    )
    monkeypatch.setattr(
        before_load, "sl_stamp_outlets", lambda c: calls.append(("stamp", c))
    )
    recover = {"ingesting": "in", "pending": "stage", "pattern": ".*"}
    log = SimpleNamespace(info=print)
    context = {"task": SimpleNamespace(log=log)}
    before_load.sl_before_load(recover)(context)
    assert calls == [("return", recover, print, "/w/p"), ("stamp", context)]
