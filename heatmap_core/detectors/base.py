"""The one interface every detector implements: a frame in, tracks out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from heatmap_core.types import Tracks

__all__ = ["Detector", "DetectsAhead", "ScriptedDetector"]

F = TypeVar("F", bound=tuple[Any, ...])


@runtime_checkable
class Detector(Protocol):
    """Detects and tracks objects. Each instance owns its tracker state.

    `names` maps class ids to names (read-only: a detector's classes are fixed when it
    is made). `update` is called once per frame, in order, with the frame's time in
    seconds; `reset` forgets all tracks (a new video).
    """

    @property
    def names(self) -> Mapping[int, str]: ...

    def update(self, frame: np.ndarray, time_s: float) -> Tracks: ...

    def reset(self) -> None: ...


@runtime_checkable
class DetectsAhead(Protocol):
    """A detector that can detect frames known in advance (a video file) ahead of
    tracking them: `detect_ahead` yields each item (a tuple ending with the frame) with
    its tracks, in order, exactly the tracks `update` would give frame by frame."""

    def detect_ahead(self, frames: Iterable[F], workers: int | None = None
                     ) -> Iterator[tuple[F, Tracks]]: ...


class ScriptedDetector:
    """Replays tracks given in advance, for exact tests and benchmarks.

    `script` is a sequence of Tracks (one per frame) or a function of the frame index.
    Track ids missing for more than `retire_after` frames are reported as retired, like
    a real tracker would.
    """

    def __init__(self, script: Iterable[Tracks] | Callable[[int], Tracks],
                 names: Mapping[int, str] | None = None, retire_after: int = 30) -> None:
        self._script = script if callable(script) else list(script)
        self.names = dict(names or {0: "object"})
        self.retire_after = retire_after
        self.reset()

    def reset(self) -> None:
        self._index = 0
        self._last_seen: dict[int, int] = {}

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        index = self._index
        self._index += 1
        if callable(self._script):
            tracks = self._script(index)
        else:
            tracks = self._script[index] if index < len(self._script) else Tracks.empty()
        for track_id in tracks.track_id.tolist():
            self._last_seen[track_id] = index
        retired = tuple(t for t, seen in self._last_seen.items()
                        if index - seen > self.retire_after)
        for track_id in retired:
            del self._last_seen[track_id]
        return Tracks(tracks.xyxy, tracks.track_id, tracks.class_id, tracks.confidence,
                      tracks.retired_ids + retired)
