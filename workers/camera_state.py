"""What a camera is doing, as the Cameras page shows it.

Invariants: a `CameraState` is frozen and holds no secret (its `url` is redacted);
`reason` is one line; `since` is aware UTC; `fps` is set only while running.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Literal

__all__ = ["CAMERA_STATUSES", "CameraState", "CameraStatus"]

CameraStatus = Literal["connecting", "running", "reconnecting", "stopped", "failed"]
CAMERA_STATUSES: tuple[CameraStatus, ...] = ("connecting", "running", "reconnecting",
                                             "stopped", "failed")


@dataclass(frozen=True)
class CameraState:
    """One camera's state. `since` is when it entered `status`; `reason` says why it
    is reconnecting, failed or stopped (None when there is nothing to say). `owner`
    is who added the camera (None without sign-in), filled in by `Cameras` from the
    store: a worker's own state leaves it None."""

    camera_id: str
    name: str
    url: str  # redacted: safe to show
    status: CameraStatus
    since: datetime
    reason: str | None = None
    fps: float | None = None
    frames: int = 0  # frames analysed by the current worker
    owner: str | None = None  # who added it; see the class docstring

    def __post_init__(self) -> None:
        if self.status not in CAMERA_STATUSES:
            raise ValueError(f"status is one of {CAMERA_STATUSES}, not {self.status!r}")
        if self.reason is not None:
            object.__setattr__(self, "reason", " ".join(self.reason.split()))

    def with_status(self, status: CameraStatus, since: datetime,
                    reason: str | None = None) -> CameraState:
        return replace(self, status=status, since=since, reason=reason, fps=None)

    def describe(self, tz: tzinfo | None = None) -> str:
        """One line: "running (9.9 frames/s)", "reconnecting since 14:05 (why)"..."""
        at = self.since.astimezone(tz).strftime("%H:%M")
        why = f" ({self.reason})" if self.reason else ""
        if self.status == "running":
            return f"running ({self.fps:.1f} frames/s)" if self.fps else "running"
        if self.status == "reconnecting":
            return f"reconnecting since {at}{why}"
        if self.status == "failed":
            return f"failed: {self.reason}" if self.reason else "failed"
        return f"{self.status}{why}"
