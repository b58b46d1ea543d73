"""How the core calls Ultralytics: imported on first use, never installing packages,
and quiet.

Ultralytics would pip-install a missing package at run time (for a tracker, an export
format...); our versions are pinned, so the first use turns that off through
Ultralytics' own setting (what $YOLO_AUTOINSTALL sets when it starts), unless the user
set $YOLO_AUTOINSTALL. The process environment is never changed.
"""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ultralytics import YOLO

__all__ = ["first_line", "prepare_ultralytics", "quiet_ultralytics", "yolo_class"]

_lock = threading.Lock()
_prepared = False


def prepare_ultralytics() -> None:
    """Import Ultralytics (once) and turn its run-time auto-install off."""
    global _prepared
    with _lock:
        if _prepared:
            return
        import ultralytics.utils
        import ultralytics.utils.checks

        if "YOLO_AUTOINSTALL" not in os.environ:  # the user's explicit choice wins
            # `checks` copied the flag when it was imported: set both copies.
            ultralytics.utils.AUTOINSTALL = False
            ultralytics.utils.checks.AUTOINSTALL = False
        _prepared = True


def yolo_class() -> type[YOLO]:
    """Ultralytics' `YOLO`, after `prepare_ultralytics`."""
    prepare_ultralytics()
    from ultralytics import YOLO

    return YOLO


_quiet_lock = threading.Lock()
_quiet_depth = 0  # threads inside quiet_ultralytics
_quiet_saved = logging.NOTSET  # the level to restore when the last one leaves


@contextmanager
def quiet_ultralytics() -> Iterator[None]:
    """Keep Ultralytics' info lines ("Loading model.onnx...") out of our users' output;
    its warnings and errors still show. Threads may overlap in it (detection ahead):
    the level is raised by the first in and restored by the last out."""
    global _quiet_depth, _quiet_saved
    logger = logging.getLogger("ultralytics")
    with _quiet_lock:
        if _quiet_depth == 0:
            _quiet_saved = logger.level
            logger.setLevel(max(_quiet_saved, logging.WARNING))
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logger.setLevel(_quiet_saved)


def first_line(error: BaseException) -> str:
    """The first line of an error's message (at most 300 characters), or its type.
    Ultralytics decorates messages with emoji, which many fonts (and terminals) show as
    boxes: symbols and their variation selectors are dropped."""
    text = [_without_symbols(line) for line in str(error).strip().splitlines()]
    text = [line for line in text if line]
    return (text[0] if text else type(error).__name__)[:300]


def _without_symbols(line: str) -> str:
    kept = "".join(c for c in line if unicodedata.category(c) not in ("So", "Cs", "Mn")
                   or c.isalnum())
    return " ".join(kept.split())
