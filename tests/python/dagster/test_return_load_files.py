from __future__ import annotations

import os

import pytest
from fakes import shared

move = shared("return_load_files")
RECOVER = {
    "ingesting": "in/shop",
    "pending": "stage/shop",
    "pattern": r"orders_.*\.csv",
}


def put(path, content="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def returned(root):
    lines = []
    move.sl_return_load_files(RECOVER, lines.append, str(root))
    return lines


def test_matching_files_go_back_with_their_content(tmp_path):
    put(tmp_path / "in/shop/orders_1.csv", "one")
    put(tmp_path / "in/shop/customers.csv", "other table")
    lines = returned(tmp_path)
    ingesting, pending = tmp_path / "in/shop", tmp_path / "stage/shop"
    assert lines == [
        (
            f"slo: returned orders_1.csv from {ingesting} to {pending}"
            " (a failed load left it there)"
        )
    ]
    assert (pending / "orders_1.csv").read_text() == "one"
    assert sorted(os.listdir(ingesting)) == ["customers.csv"]


def test_a_file_never_replaces_one_of_the_same_name(tmp_path):
    put(tmp_path / "in/shop/orders_1.csv", "old")
    put(tmp_path / "stage/shop/orders_1.csv", "new")
    assert returned(tmp_path) == [
        (
            f"slo: left orders_1.csv in {tmp_path / 'in/shop'}:"
            f" {tmp_path / 'stage/shop'} already has a file of that name"
        )
    ]
    assert (tmp_path / "stage/shop/orders_1.csv").read_text() == "new"


def test_no_folder_no_files_nothing_said(tmp_path):
    assert returned(tmp_path) == []


def test_links_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    put(outside / "orders_1.csv")
    (tmp_path / "in").mkdir()
    (tmp_path / "in/shop").symlink_to(outside)
    lines = returned(tmp_path)
    assert lines == [
        f"slo: {tmp_path / 'in/shop'} is a symlink or not a folder: nothing returned from it"
    ]
    assert (outside / "orders_1.csv").exists()
    put(tmp_path / "elsewhere/orders_2.csv")
    (tmp_path / "in/shop").unlink()
    (tmp_path / "in/shop").mkdir()
    (tmp_path / "in/shop/orders_2.csv").symlink_to(tmp_path / "elsewhere/orders_2.csv")
    assert returned(tmp_path) == [
        (
            f"slo: left orders_2.csv in {tmp_path / 'in/shop'}: not a regular file"
            " (symlinks are not followed)"
        )
    ]


def test_names_the_three_runners_read_apart_are_left(tmp_path):
    for name in ["orders_\n.csv", "orders_\u2028.csv", "orders_\U0001f600.csv"]:
        put(tmp_path / "in/shop" / name)
    assert returned(tmp_path) == []


def test_a_pending_folder_that_is_a_link_fails_the_attempt(tmp_path):
    put(tmp_path / "in/shop/orders_1.csv")
    (tmp_path / "stage").mkdir()
    (tmp_path / "stage/shop").symlink_to(tmp_path)
    with pytest.raises(RuntimeError, match="is a symlink or not a folder"):
        returned(tmp_path)
    assert (tmp_path / "in/shop/orders_1.csv").exists()


def test_absolute_folders_ignore_the_root(tmp_path):
    put(tmp_path / "in/shop/orders_1.csv")
    recover = {
        k: str(tmp_path / v) if k != "pattern" else v for k, v in RECOVER.items()
    }
    move.sl_return_load_files(recover, print, "/nonexistent-root")
    assert (tmp_path / "stage/shop/orders_1.csv").exists()
