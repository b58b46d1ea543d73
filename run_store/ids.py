"""Run ids: random, unguessable, and checked before they reach a path or a query.

An id is what `secrets.token_urlsafe(16)` gives: 128 random bits as 22 URL-safe
characters. Knowing one run's link tells nothing about any other's.
"""

from __future__ import annotations

import re
import secrets

from run_store.errors import InvalidRunId

__all__ = ["RUN_ID_PATTERN", "check_run_id", "is_run_id", "new_run_id"]

RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")


def new_run_id() -> str:
    return secrets.token_urlsafe(16)


def is_run_id(value: object) -> bool:
    """Whether `value` (say, a `?run=` query parameter) is a well-formed run id."""
    return isinstance(value, str) and RUN_ID_PATTERN.fullmatch(value) is not None


def check_run_id(value: object) -> str:
    """`value` if it is a well-formed run id; InvalidRunId otherwise."""
    if isinstance(value, str) and RUN_ID_PATTERN.fullmatch(value):
        return value
    shown = value[:40] if isinstance(value, str) else type(value).__name__
    raise InvalidRunId(f"not a run id: {shown!r}")
