"""Before each attempt of a load task, the Airflow and Dagster runtimes return the files a failed
attempt left in Starlake's ingesting folder (a task's `recover`: ingesting, pending, pattern).
Starlake's `load` moves a table's files from the pending folder to the ingesting folder and leaves
them there when it fails, so a retry would find nothing and succeed: this moves them back first.
The engine's twin is src/engine/return-load-files.ts, with the same rules and the same log lines."""

from __future__ import annotations

import errno
import os
import re
import stat

# File names never matched (see starlake/file-pattern.ts): Java, JavaScript and Python read them apart.
_SL_UNMATCHED = re.compile(
    "[\\x00-\\x1f\\x7f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff\\ud800-\\udfff\\U00010000-\\U0010ffff]"
)


def sl_return_load_files(recover, say, root):
    """Moves back to the pending folder the files of a table that a failed load left in Starlake's
    ingesting folder, so that this attempt loads them: regular files whose name fully matches the
    table's pattern, never over a file of the same name, never through a symlink. Says what it
    did through `say`; raises when a file cannot be moved (the load would find nothing). The
    folders are relative to `root`, the project's folder on this machine, or absolute."""
    ingesting = os.path.join(root, recover["ingesting"])
    pending = os.path.join(root, recover["pending"])
    if not _sl_folder_or_absent(ingesting):
        say(f"slo: {ingesting} is a symlink or not a folder: nothing returned from it")
        return
    try:
        names = sorted(os.listdir(ingesting))
    except (FileNotFoundError, NotADirectoryError):
        return
    matcher = re.compile(recover["pattern"], re.ASCII)
    names = [n for n in names if not _SL_UNMATCHED.search(n) and matcher.fullmatch(n)]
    if names and not _sl_folder_or_absent(pending):
        say(f"slo: {pending} is a symlink or not a folder: nothing returned to it")
        raise RuntimeError(
            f"{pending} is a symlink or not a folder, where the load looks"
        )
    failed = []
    for name in names:
        source, target = os.path.join(ingesting, name), os.path.join(pending, name)
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):
                say(
                    f"slo: left {name} in {ingesting}: not a regular file (symlinks are not followed)"
                )
                continue
            os.makedirs(pending, exist_ok=True)
            if _sl_move_no_replace(source, target):
                say(
                    f"slo: returned {name} from {ingesting} to {pending} (a failed load left it there)"
                )
            else:
                say(
                    f"slo: left {name} in {ingesting}: {pending} already has a file of that name"
                )
        except OSError as error:
            failed.append(name)
            reason = errno.errorcode.get(error.errno, str(error))
            say(f"slo: could not return {name} from {ingesting} to {pending}: {reason}")
    if failed:
        raise RuntimeError(
            f"could not return {', '.join(failed)} to {pending}, where the load looks"
        )


def _sl_folder_or_absent(path):
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return True


def _sl_move_no_replace(source, target):
    """Moves source to target unless target exists: a hard link fails on an existing name (no
    check-then-move race), then the old name goes; where hard links are refused, a rename after a
    check. False when target exists."""
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if os.path.lexists(target):
            return False
        os.rename(source, target)
        return True
    os.unlink(source)
    return True
