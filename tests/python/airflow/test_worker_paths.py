from __future__ import annotations

import os

from runtime import worker_paths


def test_the_worker_s_sl_root_wins(monkeypatch):
    monkeypatch.setenv("SL_ROOT", "/w/p")
    monkeypatch.setattr(worker_paths, "SL_ROOT_DEFAULT", "/gen/p")
    assert worker_paths.sl_root() == "/w/p"


def test_an_absolute_default_is_taken_as_it_is(monkeypatch):
    monkeypatch.delenv("SL_ROOT", raising=False)
    monkeypatch.setattr(worker_paths, "SL_ROOT_DEFAULT", "/gen/p")
    assert worker_paths.sl_root() == "/gen/p"


def test_a_relative_default_is_taken_from_the_file_s_folder(monkeypatch):
    monkeypatch.delenv("SL_ROOT", raising=False)
    monkeypatch.setattr(worker_paths, "SL_ROOT_DEFAULT", "../project")
    here = os.path.dirname(os.path.abspath(worker_paths.__file__))
    assert worker_paths.sl_root() == os.path.normpath(os.path.join(here, "../project"))


def test_starlake_from_the_worker_else_the_default_under_its_root(monkeypatch):
    monkeypatch.setenv("SL_ROOT", "/w/it's p")
    monkeypatch.setattr(worker_paths, "SL_STARLAKE_DEFAULT", (None, "/bin/starlake"))
    assert worker_paths.sl_starlake() == "/w/it's p/bin/starlake"
    monkeypatch.setattr(worker_paths, "SL_STARLAKE_DEFAULT", ("starlake",))
    assert worker_paths.sl_starlake() == "starlake"
    monkeypatch.setenv("SL_STARLAKE_PATH", "/opt/starlake")
    assert worker_paths.sl_starlake() == "/opt/starlake"
