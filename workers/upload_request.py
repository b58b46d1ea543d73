"""UploadRequest and UploadStatus: what the web server asks of an upload's worker, and
what the worker says back.

Invariants: both are frozen and plain enough to cross Ray (pickled); a request names
its model by weights (a name or a path readable where the worker runs), never by a
loaded model object, so the worker builds its own Heatmap (and tracker); a status is
small (progress numbers, the counts, one JPEG preview), never a frame array, because
the page asks for it twice a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from heatmap_core import Progress, Region, RunSummary

__all__ = ["UPLOAD_STATUSES", "UploadRequest", "UploadStatus", "UploadStatusName"]

UploadStatusName = Literal["waiting", "running", "finished", "failed", "cancelled"]
UPLOAD_STATUSES: tuple[UploadStatusName, ...] = ("waiting", "running", "finished", "failed",
                                                 "cancelled")


@dataclass(frozen=True)
class UploadRequest:
    """Analyse the video at `video` into `output_dir` (both paths where the worker runs:
    on a cluster, the data folder must be shared storage, see README) with a new
    `Heatmap(model=weights, regions=regions, model_name=..., cache_dir=..., **options)`,
    every `stride`-th frame. `save`, if given, is called by the worker on the finished
    folder and returns an object with `saved` and `error` (a `SaveOutcome`); it must
    pickle (no open database in it). `session_id` and `owner` let the web server find
    the upload again after a reload (who may see it), and mean nothing to the worker."""

    video: str
    label: str
    output_dir: str
    weights: str = "motion"
    model_name: str | None = None
    regions: tuple[Region, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    stride: int = 1
    cache_dir: str | None = None
    save: Callable[[Any], Any] | None = field(default=None, repr=False)
    sample: bool = False
    session_id: str = ""
    owner: str | None = None

    def __post_init__(self) -> None:
        if self.stride < 1:
            raise ValueError(f"stride must be 1 or more, got {self.stride}")


@dataclass(frozen=True)
class UploadStatus:
    """Where an upload is. `progress` has no frame (`latest` is None); the newest
    annotated frame is `preview` (JPEG, at most 640 wide) with its counts."""

    status: UploadStatusName
    progress: Progress | None = None
    preview: bytes | None = field(default=None, repr=False)
    in_count: int = 0
    out_count: int = 0
    summary: RunSummary | None = None
    error: str | None = None  # one line, for the page
    saved: Any = None  # the RunRecord it was saved as
    save_error: str | None = None
    stopping: bool = False
    restarted: bool = False  # its worker was lost and it started over from the first frame

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running")
