"""The video to analyse: a user's upload or the sample, checked and opened once.

Opening reads the first frame (the region editor draws on it) and fails early, with
the core's clear VideoError, for a file that is not a readable video.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from dashboard.sessions.storage import safe_filename, save_file
from heatmap_core import open_video, sample_scene

__all__ = ["VIDEO_TYPES", "VIDEO_TYPES_TEXT", "Sample", "VideoSource", "open_source",
           "sample_video", "save_upload"]

VIDEO_TYPES = ("mp4", "avi", "mov", "mkv", "webm")
VIDEO_TYPES_TEXT = "MP4, AVI, MOV, MKV or WebM"


@dataclass(frozen=True)
class VideoSource:
    """A readable video on disk, with what the page shows about it."""

    path: Path
    label: str
    width: int
    height: int
    fps: float
    frame_count: int | None
    first_frame: npt.NDArray[np.uint8] = field(repr=False, compare=False)
    sample: bool = False  # the app's own sample, not a user's file
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def description(self) -> str:
        length = (f", {self.frame_count} frames ({self.frame_count / self.fps:.0f} s)"
                  if self.frame_count else "")
        return f"{self.label}: {self.width}x{self.height}, {self.fps:g} fps{length}"


def open_source(path: Path, label: str, sample: bool = False) -> VideoSource:
    """Check that `path` is a readable video; raises heatmap_core.VideoError if not."""
    with open_video(path) as reader:
        info = reader.info
        return VideoSource(path, label, info.width, info.height, info.fps,
                           info.frame_count, reader.first_frame.copy(), sample)


def save_upload(data: BinaryIO, name: str, folder: Path) -> Path:
    """Save an uploaded file under a safe version of its name inside `folder`."""
    return save_file(data, folder / safe_filename(name))


@dataclass(frozen=True)
class Sample:
    path: Path
    label: str
    about: str


def sample_video(footage: Path | None, samples_folder: Path) -> Sample:
    """The operator's footage (`Settings.sample_video`) when set, else a rendered scene
    made once in `samples_folder`: "Try the sample video" always works."""
    if footage is not None and footage.is_file():
        return Sample(footage, f"Sample: {footage.name}",
                      "real footage from a fixed camera, chosen by this server's operator")
    rendered = samples_folder / "sample_scene.mp4"
    if not rendered.is_file():
        rendered.parent.mkdir(parents=True, exist_ok=True)
        partial = rendered.with_name(f".{uuid.uuid4().hex[:8]}.partial.mp4")
        try:
            sample_scene().write(partial)
            os.replace(partial, rendered)
        finally:
            partial.unlink(missing_ok=True)
    return Sample(rendered, "Sample: rendered street scene",
                  "a rendered scene of people-like shapes crossing a street")
