"""What the store hands out and takes in about cameras (never database rows).

Invariants: every record is frozen; datetimes are aware UTC; a `CameraRecord` never
shows its URL in `repr` (it may hold a password); heat travels as float32 arrays at
most `MAX_HEAT_SIDE` pixels a side (the store keeps it compressed as float16).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from run_store.camera_dwells import DwellVisit
from run_store.errors import InvalidCameraId

__all__ = [
    "CAMERA_ID_PATTERN", "MAX_HEAT_SIDE", "CameraEvent", "CameraRecord", "DesiredState",
    "Flush", "Gap", "HeatSnapshot", "HeatSum", "IntervalCount", "Retention", "check_camera_id",
    "new_camera_id",
]

DesiredState = Literal["running", "stopped"]
CAMERA_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{12}")
MAX_HEAT_SIDE = 256


def new_camera_id() -> str:
    """72 random bits as 12 URL-safe characters (short enough for an actor name)."""
    return secrets.token_urlsafe(9)


def check_camera_id(value: object) -> str:
    """`value` if it is a well-formed camera id; InvalidCameraId otherwise."""
    if isinstance(value, str) and CAMERA_ID_PATTERN.fullmatch(value):
        return value
    shown = value[:40] if isinstance(value, str) else type(value).__name__
    raise InvalidCameraId(f"not a camera id: {shown!r}")


@dataclass(frozen=True)
class CameraRecord:
    """One camera as configured. `url` is the address as given, credentials included:
    hand it to a stream reader only; show `workers.redact_url(record.url)`."""

    id: str
    name: str
    url: str = field(repr=False)
    settings: dict[str, Any]
    desired: DesiredState
    created: datetime
    counted_until: datetime | None  # end of the last data flushed by its worker
    owner: str | None = None  # who added it when signed in; None: without sign-in


@dataclass(frozen=True)
class IntervalCount:
    """Counts of one region and class over one interval starting at `start` (aligned
    to the interval length) and covering `seconds` of counted time (less than the
    interval next to a gap). `class_name` "*" is the region's total over classes,
    and only that row carries occupancy (`peak_inside`, time-weighted `mean_inside`)."""

    start: datetime
    seconds: float
    region: str
    class_name: str
    in_count: int
    out_count: int
    peak_inside: int = 0
    mean_inside: float = 0.0


@dataclass(frozen=True)
class CameraEvent:
    at: datetime
    region: str
    class_name: str
    direction: Literal["IN", "OUT"]
    track_id: int


@dataclass(frozen=True)
class HeatSnapshot:
    """The heat deposited from `start` to `end` (object-seconds per pixel on a grid of
    at most MAX_HEAT_SIDE a side): snapshots of one camera add up over any window."""

    start: datetime
    end: datetime
    heat: npt.NDArray[np.float32] = field(repr=False)


@dataclass(frozen=True)
class HeatSum:
    """The heat of every snapshot that started in a window, added up: object-seconds
    per cell over the counted time (a gap adds nothing). Snapshots on another grid
    (the stream's frame size changed) cannot be added cell by cell: `left_out` of them
    are not in `heat`, which has the grid of the newest."""

    start: datetime  # of the first snapshot added
    end: datetime  # of the last snapshot added
    heat: npt.NDArray[np.float32] = field(repr=False)
    snapshots: int
    left_out: int = 0


@dataclass(frozen=True)
class Gap:
    """Time the camera was meant to run but counted nothing, and why (one line)."""

    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class Flush:
    """One write of a camera's worker: all of it lands in one transaction, and
    `counted_until` (if given) moves the camera's mark of what is safely stored."""

    intervals: tuple[IntervalCount, ...] = ()
    events: tuple[CameraEvent, ...] = ()
    heat: tuple[HeatSnapshot, ...] = ()
    gaps: tuple[Gap, ...] = ()
    counted_until: datetime | None = None
    dwells: tuple[DwellVisit, ...] = ()


@dataclass(frozen=True)
class Retention:
    """How many days of each kind of data `CameraStore.prune` keeps. Events are the
    bulk (one row per crossing) and are kept shortest; per-minute counts answer
    nearly every question for months."""

    interval_days: float = 90.0
    event_days: float = 14.0
    heat_days: float = 30.0
    gap_days: float = 90.0
    dwell_days: float = 30.0  # one row per finished zone visit

    def __post_init__(self) -> None:
        for name in ("interval_days", "event_days", "heat_days", "gap_days", "dwell_days"):
            if not getattr(self, name) > 0:
                raise ValueError(f"retention {name} must be a positive number of days")
