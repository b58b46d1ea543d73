"""Stream time for a live camera: one continuous clock across frames, stops and restarts.

The core weights heat and dwell by the time between analysed frames, so it must be
given the frames' real capture times: then frames skipped because the computer is busy
change nothing. WebRTC frames carry RTP timestamps that start at a random value for
each connection (and wrap after about 13 hours), so they are turned into seconds since
the session started; a jump backwards or a long gap starts a new segment that continues
where the last one ended instead of inventing heat for the gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["StreamClock"]

MAX_GAP_S = 10.0  # longer gaps are a stop, a restart or a frozen camera, not video time


class StreamClock:
    """Session seconds from frame times; not thread-safe (one writer: the frame callback).

        >>> clock = StreamClock()
        >>> clock.time_of(5000.0), clock.time_of(5000.5)
        (0.0, 0.5)
    """

    def __init__(self, max_gap_s: float = MAX_GAP_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if max_gap_s <= 0:
            raise ValueError(f"max_gap_s must be positive, got {max_gap_s}")
        self.max_gap_s = max_gap_s
        self._monotonic = monotonic
        self._origin: float | None = None  # a frame time that maps to `_offset`
        self._offset = 0.0
        self._last_frame_time: float | None = None
        self.now = 0.0  # the session time of the newest frame

    def time_of(self, frame_time: float | None) -> float:
        """The session time of a frame captured at `frame_time` seconds (on the camera's
        clock), or now on the wall clock when the frame has no time."""
        if frame_time is None:
            frame_time = self._monotonic()
        last = self._last_frame_time
        if last is None or not 0.0 <= frame_time - last <= self.max_gap_s:
            self._origin, self._offset = frame_time, self.now  # a new segment
        self._last_frame_time = frame_time
        assert self._origin is not None
        self.now = self._offset + (frame_time - self._origin)
        return self.now

    def reset(self) -> None:
        """Start the session's time again at 0 with the next frame."""
        self._origin = self._last_frame_time = None
        self._offset = self.now = 0.0
