"""The data that crosses module boundaries: tracks in, counts and events out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["CountEvent", "DwellRecord", "RegionCounts", "Tracks"]

Direction = Literal["IN", "OUT"]


@dataclass(frozen=True)
class Tracks:
    """Tracked objects in one frame, as parallel arrays (one row per object).

    `retired_ids` lists the track ids the tracker dropped for good at this frame, so
    that per-track state elsewhere can be freed on a 24/7 stream.
    """

    xyxy: npt.NDArray[np.float32]
    track_id: npt.NDArray[np.int64]
    class_id: npt.NDArray[np.int64]
    confidence: npt.NDArray[np.float32]
    retired_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.xyxy)
        xyxy = np.asarray(self.xyxy, dtype=np.float32).reshape(n, 4)
        object.__setattr__(self, "xyxy", xyxy)
        for name, dtype in (("track_id", np.int64), ("class_id", np.int64),
                            ("confidence", np.float32)):
            arr = np.asarray(getattr(self, name), dtype=dtype).reshape(-1)
            if len(arr) != n:
                raise ValueError(f"Tracks.{name} has {len(arr)} rows, xyxy has {n}")
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "retired_ids", tuple(int(i) for i in self.retired_ids))

    @classmethod
    def empty(cls, retired_ids: tuple[int, ...] = ()) -> Tracks:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.int64),
                   np.zeros(0, np.int64), np.zeros(0, np.float32), retired_ids)

    def __len__(self) -> int:
        return len(self.xyxy)

    def __getitem__(self, index: npt.NDArray[np.bool_] | slice) -> Tracks:
        return Tracks(self.xyxy[index], self.track_id[index], self.class_id[index],
                      self.confidence[index], self.retired_ids)

    @property
    def centers(self) -> npt.NDArray[np.float32]:
        """Box centres, (N, 2): the point that counting follows, as in the seed."""
        return np.asarray((self.xyxy[:, :2] + self.xyxy[:, 2:]) / 2, np.float32)


@dataclass(frozen=True)
class CountEvent:
    """One counted crossing of a line, or one entry into (IN) or exit from (OUT) a zone;
    `frame` is the video's own frame index (time_s = frame / fps for files)."""

    frame: int
    time_s: float
    track_id: int
    class_name: str
    direction: Direction
    region: str


@dataclass(frozen=True)
class DwellRecord:
    """How long one track stayed inside a zone (one visit)."""

    region: str
    track_id: int
    class_name: str
    enter_s: float
    exit_s: float

    @property
    def seconds(self) -> float:
        return self.exit_s - self.enter_s


@dataclass(frozen=True)
class RegionCounts:
    """Counts of one named line or zone, a snapshot that later frames never change."""

    name: str
    kind: Literal["line", "zone"]
    in_count: int
    out_count: int
    classwise_count: dict[str, dict[str, int]] = field(default_factory=dict)
    inside: int = 0
    mean_dwell_s: float | None = None
