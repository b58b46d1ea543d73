"""Where the app keeps files: one folder per browser session under the data dir.

    <data dir>/sessions/<session id>/upload/<sanitized name>   the user's video
    <data dir>/sessions/<session id>/runs/<run id>/            one analysis's results
    <data dir>/models/<content hash>.pt                        uploaded weights
    <data dir>/samples/                                        the rendered sample video

The data dir is $HEATMAP_DATA_DIR, or `data/` in the repository (gitignored).
Uploaded names are never used as paths: they are reduced to a safe file name first.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

REPO_ROOT = Path(__file__).resolve().parent.parent
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def data_dir() -> Path:
    return Path(os.environ.get("HEATMAP_DATA_DIR") or REPO_ROOT / "data")


def new_session_id() -> str:
    return uuid.uuid4().hex


def session_dir(session_id: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", session_id):
        raise ValueError(f"not a session id: {session_id!r}")
    return data_dir() / "sessions" / session_id


def new_run_dir(session_id: str) -> Path:
    """A fresh, empty folder for one analysis's results."""
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    folder = session_dir(session_id) / "runs" / name
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
