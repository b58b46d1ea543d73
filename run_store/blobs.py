"""Each run's files in a folder of its own, `<root>/<run id>/`, placed whole or not at all.

Files are copied into a hidden staging folder, flushed to disk, and the folder is then
renamed into place in one step: no reader ever sees a run folder with half its files.
Hidden names (starting with a dot) can never be run ids, so staging and deleted folders
cannot be mistaken for runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Iterable, Set
from pathlib import Path

from run_store.ids import check_run_id

__all__ = ["RunFolders"]


class RunFolders:
    """The folders under `root`. Safe to use from several threads and processes: each
    save works in its own staging folder, and ids are unique."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, run_id: str) -> Path:
        return self.root / check_run_id(run_id)

    def place(self, run_id: str, source: Path, names: Iterable[str]) -> Path:
        """Copy the files `names` from `source` into the run's new folder; on any
        failure, remove the staging folder and raise."""
        final = self.folder(run_id)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".{run_id}.{secrets.token_hex(4)}.partial"
        staging.mkdir()
        try:
            for name in names:
                _copy_durably(source / name, staging / name)
            _fsync_dir(staging)
            os.rename(staging, final)
            _fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return final

    def size(self, run_id: str) -> int:
        """Bytes the run's files take (0 for a folder that is gone)."""
        folder = self.folder(run_id)
        try:
            return sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())
        except FileNotFoundError:
            return 0

    def remove(self, run_id: str) -> None:
        """Delete the run's folder. It is renamed to a hidden name first, so a deletion
        that fails half-way leaves an orphan for `remove_orphans`, not a broken run."""
        folder = self.folder(run_id)
        doomed = self.root / f".{run_id}.{secrets.token_hex(4)}.deleted"
        try:
            os.rename(folder, doomed)
        except FileNotFoundError:
            return
        shutil.rmtree(doomed, ignore_errors=True)

    def remove_orphans(self, keep: Set[str], older_than_s: float) -> int:
        """Delete folders not named in `keep` and untouched for `older_than_s` seconds
        (left by a process killed mid-save or mid-delete); returns how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for entry in self.root.iterdir():
            if entry.name in keep or not entry.is_dir() or entry.is_symlink():
                continue
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed


def _copy_durably(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
        dst.flush()
        os.fsync(dst.fileno())


def _fsync_dir(path: Path) -> None:
    """Make new entries and renames in `path` durable (POSIX only: Windows cannot open
    a folder to flush it)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
