"""When the computer cannot keep up, frames are dropped, not queued.

The session's callback runs behind streamlit-webrtc's real asynchronous track (the one
`webrtc_streamer(async_processing=True)` builds), fed by a 30 fps camera made of real
footage, with a detector slowed to ~7 frames/s: the video keeps flowing at the
camera's rate, the analysis takes the newest frame each time (never falling behind the
camera), and the session's time still covers the whole stream."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from aiortc import MediaStreamTrack
from streamlit_webrtc.models import CallbackAttachableProcessor
from streamlit_webrtc.process import AsyncVideoProcessTrack

from dashboard.live.session import LiveSession
from heatmap_core import Heatmap, MotionDetector, Tracks

CAMERA_FPS = 30
ANALYSIS_S = 0.15  # a model slower than the camera
STREAM_S = 3.0


class FootageCamera(MediaStreamTrack):
    """A browser camera: real frames at 30 fps with 90 kHz RTP timestamps."""

    kind = "video"

    def __init__(self, frames: list[np.ndarray]) -> None:
        super().__init__()
        self.frames = frames
        self.sent = 0
        self.started = time.monotonic()

    async def recv(self) -> av.VideoFrame:
        due = self.started + self.sent / CAMERA_FPS
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        frame = av.VideoFrame.from_ndarray(self.frames[self.sent % len(self.frames)],
                                           format="bgr24")
        frame.pts, frame.time_base = 77_000 + self.sent * 3000, Fraction(1, 90_000)
        self.sent += 1
        return frame


class SlowDetector:
    """The motion detector behind a model slower than the camera (a Detector, as any
    Heatmap takes). It notes how far behind the camera each analysed frame is."""

    def __init__(self, camera: FootageCamera) -> None:
        self._motion = MotionDetector()
        self._camera = camera
        self.names = self._motion.names
        self.lag_s: list[float] = []  # camera's newest frame time minus the analysed one's

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        newest = (self._camera.sent - 1) / CAMERA_FPS
        self.lag_s.append(newest - time_s)
        time.sleep(ANALYSIS_S)
        return self._motion.update(frame, time_s)

    def reset(self) -> None:
        self._motion.reset()


def test_a_slow_analysis_drops_frames_and_the_video_stays_live(footage: Path) -> None:
    video = cv2.VideoCapture(str(footage))
    frames = [video.read()[1] for _ in range(60)]
    video.release()
    camera = FootageCamera(frames)
    detector = SlowDetector(camera)
    session = LiveSession()
    session.configure("slow", lambda: Heatmap(model=detector, region=[(0, 180), (480, 180)],
                                              verbose=False))
    track = AsyncVideoProcessTrack(camera, CallbackAttachableProcessor(
        session.process, None, None))

    async def watch() -> int:
        shown = 0
        while time.monotonic() - camera.started < STREAM_S:
            await track.recv()  # what goes back to the browser
            shown += 1
        return shown

    # In a thread of its own: a Playwright session elsewhere in the suite may hold
    # this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        shown = pool.submit(asyncio.run, watch()).result()
    snapshot = session.snapshot()
    track.stop()

    assert shown >= 0.6 * CAMERA_FPS * STREAM_S  # the video kept the camera's pace
    assert 3 <= snapshot.frames <= STREAM_S / ANALYSIS_S + 1  # the newest frames only
    assert snapshot.frames < shown / 2  # so most frames were dropped...
    # ...not queued: each analysis takes a frame that is at most about one analysis old
    # (a queue would fall further behind with every frame: 2 s behind by the end).
    assert max(detector.lag_s) <= 2 * ANALYSIS_S + 0.2, detector.lag_s
    assert snapshot.fps < CAMERA_FPS / 2
    # Heat is weighted by the frames' real times: the analysed frames span the stream.
    assert snapshot.stream_s > 0.6 * STREAM_S
