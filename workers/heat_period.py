"""Heat deposited over one snapshot period, on a small grid, for the store.

Invariants: a period's heat is only what was deposited in it (snapshots of a camera
add up over any window; a restarted worker starts a new period); the grid is at most
`grid` cells on its longer side; periods are aligned to multiples of `every_s`.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import numpy as np

from heatmap_core import HeatAccumulator
from run_store import HeatSnapshot

__all__ = ["HeatPeriod"]


class HeatPeriod:
    def __init__(self, every_s: float, grid: int) -> None:
        self.every_s = every_s
        self.grid = grid
        self._heat: HeatAccumulator | None = None
        self._start: datetime | None = None
        self._last: datetime | None = None

    def add(self, at: datetime, seconds: float, xyxy: np.ndarray,
            frame_shape: tuple[int, int]) -> HeatSnapshot | None:
        """Deposit one frame's boxes; returns the finished period when `at` starts a new one."""
        finished = None
        if self._start is not None and self._period(at) != self._period(self._start):
            finished = self.close()
        if self._heat is None or self._heat.shape != frame_shape:
            if self._heat is not None:
                finished = finished or self.close()
            self._heat = HeatAccumulator(*frame_shape, None, max_size=self.grid)
            self._start = at
        self._heat.deposit(np.asarray(xyxy, np.float32).reshape(-1, 4), seconds)
        self._last = at
        return finished

    def close(self) -> HeatSnapshot | None:
        """The open period's heat (None when nothing was added); starts afresh."""
        heat, start, end = self._heat, self._start, self._last
        self._heat = self._start = self._last = None
        if heat is None or start is None or end is None:
            return None
        return HeatSnapshot(start, end, heat.grid)

    def _period(self, at: datetime) -> int:
        return math.floor(at.astimezone(timezone.utc).timestamp() / self.every_s)
