"""What can go wrong with a run or a camera, as exceptions the UI can tell apart."""

from __future__ import annotations

__all__ = ["CameraNotFound", "IncompleteRun", "InvalidCameraId", "InvalidRunId", "RunNotFound"]


class InvalidRunId(ValueError):
    """Text that cannot be a run id (from a URL, say). Raised before any disk or
    database access, so a crafted id never reaches either."""


class RunNotFound(LookupError):
    """A well-formed id that names no saved run (never saved, or deleted)."""


class IncompleteRun(ValueError):
    """An analysis folder that cannot be saved: no summary.json (still being written,
    or its writer died), or an output file missing or unreadable."""


class InvalidCameraId(ValueError):
    """Text that cannot be a camera id. Raised before any database access."""


class CameraNotFound(LookupError):
    """A well-formed id that names no camera (never added, or removed)."""
