"""Reading video (files, cameras, streams) and writing H.264 mp4 that browsers play."""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import av
import cv2
import numpy as np

__all__ = ["BackgroundWriter", "H264Writer", "VideoError", "VideoInfo", "VideoReader",
           "open_video", "prefetch"]

MAX_PIXELS = 8192 * 4320  # 8K and DCI 8K; a frame beyond is 100+ MB per copy
_STREAM_PREFIXES = ("rtsp://", "rtmp://", "http://", "https://", "udp://", "tcp://")


# FFmpeg inside OpenCV prints decoder complaints ("moov atom not found") to stderr; a
# bad file gets one clear VideoError instead. OpenCV reads $OPENCV_FFMPEG_LOGLEVEL once,
# when it first opens a video with FFmpeg, and has no other switch for it: so the level
# is set for that first opening only, and the environment restored. A user who sets the
# variable (to see the messages again) is left alone.
_FFMPEG_LOGLEVEL = ("OPENCV_FFMPEG_LOGLEVEL", "-8")
_ffmpeg_lock = threading.Lock()
_ffmpeg_quieted = False


def _capture(source: str | int) -> cv2.VideoCapture:
    """`cv2.VideoCapture(source)`, with FFmpeg's log quieted by the first file or URL
    (a camera index opens through another backend)."""
    global _ffmpeg_quieted
    if _ffmpeg_quieted or isinstance(source, int):
        return cv2.VideoCapture(source)
    name, level = _FFMPEG_LOGLEVEL
    with _ffmpeg_lock:
        if name in os.environ:
            capture = cv2.VideoCapture(source)
        else:
            os.environ[name] = level
            try:
                capture = cv2.VideoCapture(source)
            finally:
                os.environ.pop(name, None)
        _ffmpeg_quieted = True
    return capture


class VideoError(RuntimeError):
    """A source that cannot be read as video; the message says what is wrong."""


@dataclass(frozen=True)
class VideoInfo:
    source: str
    width: int
    height: int
    fps: float
    frame_count: int | None  # None for cameras and streams
    live: bool

    @property
    def duration_s(self) -> float | None:
        return None if self.frame_count is None else self.frame_count / self.fps


class VideoReader:
    """Frames of a video as (index, time in seconds, BGR frame), from the first.

    For files, time is index / fps; for cameras and streams, seconds since opening.
    `stopped_early` tells, after iteration, whether a file ended before its declared
    frame count (truncated or corrupt).
    """

    def __init__(self, capture: cv2.VideoCapture, info: VideoInfo,
                 first: np.ndarray) -> None:
        self._capture = capture
        self.info = info
        self._first = first
        self.frames_read = 0

    @property
    def first_frame(self) -> np.ndarray:
        return self._first

    @property
    def stopped_early(self) -> bool:
        total = self.info.frame_count
        return total is not None and self.frames_read < total - 1

    def __iter__(self) -> Iterator[tuple[int, float, np.ndarray]]:
        start = time.monotonic()
        frame: np.ndarray | None = self._first
        index = 0
        while frame is not None:
            self.frames_read = index + 1
            t = time.monotonic() - start if self.info.live else index / self.info.fps
            yield index, t, frame
            ok, frame = self._capture.read()
            if not ok or frame is None or frame.size == 0:
                break
            index += 1

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_video(source: str | int | Path) -> VideoReader:
    """Open a file, a camera index (0, "0") or a stream URL; VideoError if unreadable."""
    text = str(source).strip()
    live = text.isdigit() or text.lower().startswith(_STREAM_PREFIXES)
    if not live:
        path = Path(text).expanduser()
        if not path.exists():
            raise VideoError(f"no such file: {text}")
        if path.is_dir():
            raise VideoError(f"{text} is a folder, not a video file")
        if path.stat().st_size == 0:
            raise VideoError(f"{text} is empty (0 bytes)")
        text = str(path)
    capture = _capture(int(text) if text.isdigit() else text)
    if not capture.isOpened():
        capture.release()
        what = "camera" if text.isdigit() else "stream" if live else "file"
        raise VideoError(f"cannot open {what} {text}: not a video OpenCV can read"
                         + ("" if live else " (is it a video file, and not corrupt?)"))
    width, height = (int(capture.get(p) or 0) for p in (cv2.CAP_PROP_FRAME_WIDTH,
                                                          cv2.CAP_PROP_FRAME_HEIGHT))
    if width * height > MAX_PIXELS:
        capture.release()
        raise VideoError(f"{text} is {width}x{height}: larger than this tool handles (8K, "
                         "7680x4320, at most); scale it down first, e.g. to 1920 wide")
    ok, first = capture.read()
    if not ok or first is None or first.size == 0:
        capture.release()
        raise VideoError(f"{text} has no readable frames (empty, corrupt or not a video)")
    fps = capture.get(cv2.CAP_PROP_FPS)
    if not (math.isfinite(fps) and 0.5 <= fps <= 1000):
        fps = 30.0
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    info = VideoInfo(text, first.shape[1], first.shape[0], float(fps),
                     None if live or count <= 0 else count, live)
    return VideoReader(capture, info, first)


class H264Writer:
    """Writes BGR frames to an H.264 (yuv420p) mp4 that browsers play, via PyAV.

    Odd frame sizes are padded by one pixel (H.264 needs even sizes).
    """

    def __init__(self, path: str | Path, fps: float, width: int, height: int,
                 crf: int = 23, preset: str = "superfast") -> None:
        self.path = Path(path)
        self._container = av.open(str(self.path), mode="w",
                                  options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width = width + width % 2
        self._stream.height = height + height % 2
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": str(crf), "preset": preset}
        self._size = (width, height)
        self.frames = 0

    def write(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        if (w, h) != self._size:
            frame = cv2.resize(frame, self._size)
        pad_w, pad_h = self._stream.width - self._size[0], self._stream.height - self._size[1]
        if pad_w or pad_h:
            frame = cv2.copyMakeBorder(frame, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
        video_frame = av.VideoFrame.from_ndarray(frame, format="bgr24")
        video_frame.pts = self.frames
        self.frames += 1
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


T = TypeVar("T")


class _Done:
    """The end of a queue of items."""


_DONE = _Done()


def prefetch(items: Iterable[T], size: int = 8) -> Generator[T, None, None]:
    """Iterate `items` in a background thread, `size` ahead of the consumer.

    Decoding (which releases the GIL) then overlaps with analysing the previous frame.
    Closing the generator early stops the thread.
    """
    buffer: queue.Queue[T | _Done | _Failure] = queue.Queue(maxsize=size)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            buffer.put(_Failure(error))

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    try:
        while not isinstance(item := buffer.get(), _Done):
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


class BackgroundWriter:
    """Feeds frames to an H264Writer from a background thread (encoding releases the
    GIL, so it runs beside the analysis). Errors surface on `write` or `close`."""

    def __init__(self, writer: H264Writer, size: int = 8) -> None:
        self._writer = writer
        self._queue: queue.Queue[np.ndarray | _Done] = queue.Queue(maxsize=size)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="encoder", daemon=True)
        self._thread.start()

    def write(self, frame: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(frame)

    def close(self) -> None:
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        try:
            while not isinstance(frame := self._queue.get(), _Done):
                if self._error is None:
                    self._writer.write(frame)
        except BaseException as error:
            self._error = error
            while not isinstance(self._queue.get(), _Done):  # drain: write() never blocks
                pass
        finally:
            try:
                self._writer.close()
            except BaseException as error:
                self._error = self._error or error


@dataclass(frozen=True)
class _Failure:
    error: BaseException
