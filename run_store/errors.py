"""What can go wrong with a run, as exceptions the UI can tell apart."""

from __future__ import annotations

__all__ = ["IncompleteRun", "InvalidRunId", "RunNotFound"]


class InvalidRunId(ValueError):
    """Text that cannot be a run id (from a URL, say). Raised before any disk or
    database access, so a crafted id never reaches either."""


class RunNotFound(LookupError):
    """A well-formed id that names no saved run (never saved, or deleted)."""


class IncompleteRun(ValueError):
    """An analysis folder that cannot be saved: no summary.json (still being written,
    or its writer died), or an output file missing or unreadable."""
