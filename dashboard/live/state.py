"""What the live page remembers for one browser session, and how it changes.

One `LiveState` per session (held in `st.session_state` by the page's widgets). The
`LiveSession` inside is shared with streamlit-webrtc's frame thread (see its own rules);
everything else is touched by the script thread only, through these methods:

- the applied region is what is counted; the snapshot is only what the editor draws on;
- until the user applies a region of their own (even an empty one), a line across the
  middle of the camera's frame is counted, as on the upload page;
- a save keeps the session as a run without stopping it, and says where it went or why
  it could not;
- `camera_playing` notices the moment START is pressed, so the wait for a first frame
  is measured from then.

No Streamlit here: the transitions are tested as plain code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dashboard.analysis.settings import AnalysisSettings
from dashboard.live.session import LiveSession
from dashboard.runs.saving import save_as_run
from heatmap_core import Region
from run_store import RunRecord, RunStore

__all__ = ["SOURCE", "LiveState"]

SOURCE = "Webcam (live)"


@dataclass
class LiveState:
    """The live page's state for one session; see the module docstring for its rules."""

    session: LiveSession = field(default_factory=LiveSession)
    region: Region | None = None  # the region counted
    region_chosen: bool = False  # the user applied `region`; else it is the default line
    snapshot: npt.NDArray[np.uint8] | None = None  # the frame the editor draws on
    saved: tuple[RunRecord, Path] | None = None  # the newest save: its run and folder
    notice: str | None = None  # why the newest action did not work
    playing: bool = False

    def camera_playing(self, playing: bool) -> None:
        """The video box's state on this run; a start makes the session wait for frames."""
        if playing and not self.playing:
            self.session.expect_frames()
        self.playing = playing

    def take_snapshot(self) -> None:
        frame = self.session.latest_frame()
        self.notice = (None if frame is not None else
                       "No camera frame yet: press START, wait for the video, then take "
                       "the snapshot.")
        if frame is not None:
            self.snapshot = frame

    def apply_region(self, region: Region | None) -> None:
        self.region, self.region_chosen = region, True

    def default_region_due(self) -> bool:
        """The camera's frame size is known and no region was chosen or defaulted yet."""
        return (not self.region_chosen and self.region is None
                and self.session.snapshot().frame_size is not None)

    def use_default_region(self) -> None:
        """Count on a line across the middle of the camera's frame (down is IN)."""
        size = self.session.snapshot().frame_size
        if self.region_chosen or size is None:
            return
        width, height = size
        self.region = Region(((0.0, float(height // 2)), (float(width), float(height // 2))))

    def save_refused(self, reason: str) -> None:
        """A save the server refused before it began (a limit per person)."""
        self.notice = f"Not saved: {reason}"

    def reset(self) -> None:
        self.session.reset()
        self.notice = None

    def save(self, name: str, settings: AnalysisSettings, store: RunStore,
             new_folder: Callable[[], Path], owner: str | None = None) -> None:
        """Keep the session so far as a live run named `name` (the store names it when
        empty), owned by `owner`; the camera keeps running."""
        self.notice = None
        folder = new_folder()
        try:
            self.session.save(folder, source=SOURCE)
        except ValueError:
            folder.rmdir()
            self.notice = "Nothing to save yet: press START and let the camera run first."
            return
        except OSError as error:
            self.notice = ("The session could not be written to the data folder "
                           f"({error.strerror or 'I/O error'}).")
            return
        outcome = save_as_run(store, folder, name=name, settings=settings,
                              regions=[self.region] if self.region else [], kind="live",
                              owner=owner)
        if outcome.saved is None:
            self.notice = f"The session could not be saved as a run: {outcome.error}."
            return
        self.saved = (outcome.saved, folder)
