"""Where the app keeps files: the one owner of the data folder's layout.

    <data dir>/sessions/<session id>/upload/<safe name>   a session's uploaded video
    <data dir>/sessions/<session id>/runs/<folder>/       one analysis's results
    <data dir>/models/<content hash>.pt                   uploaded weights
    <data dir>/samples/                                   the rendered sample video
    <data dir>/runs/, runs.sqlite3                        the run store (run_store owns them)

Uploaded names are never used as paths: they are reduced to a safe file name first.
Session ids are checked before they become a folder name.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

__all__ = ["DataFolders", "new_session_id", "safe_filename", "save_file"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def new_session_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class DataFolders:
    """The folders under one data dir (`Settings.data_dir`)."""

    root: Path

    @property
    def sessions(self) -> Path:
        return self.root / "sessions"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    def session(self, session_id: str) -> Path:
        """A session's folder; ValueError for text that is not a session id."""
        if not _SESSION_ID.fullmatch(session_id):
            raise ValueError(f"not a session id: {session_id!r}")
        return self.sessions / session_id

    def upload_folder(self, session_id: str) -> Path:
        return self.session(session_id) / "upload"

    def new_run_dir(self, session_id: str) -> Path:
        """A fresh, empty folder for one analysis's results."""
        name = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        folder = self.session(session_id) / "runs" / name
        folder.mkdir(parents=True)
        return folder


def safe_filename(name: str, default: str = "video") -> str:
    """A file name made only of letters, digits, '.', '_' and '-', from a user's name.

    Folders in the name are dropped ("../../etc/passwd" -> "passwd"), hidden names lose
    their leading dots, and what is left is at most 100 characters, keeping the suffix.
    """
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("_", base).lstrip("._-")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:100 - len(suffix) - 1] or default
    return f"{stem}.{suffix.lower()}" if suffix else stem


def save_file(data: BinaryIO, destination: Path) -> Path:
    """Copy a stream to `destination` atomically (a partial file is never visible)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with open(partial, "wb") as out:
            shutil.copyfileobj(data, out, length=1024 * 1024)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination
