"""Reading camera streams: frames identical to the file's, and every fault a one-line
message with no password in it (refused, wrong path, wrong credentials, a web page,
a stall, an end)."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from heatmap_core import Mover, Scene
from tests.rtsp_camera import (
    RtspCamera,
    free_port,
    mjpeg_server,
    require_gstreamer,
    web_page_server,
)
from workers import StreamError, open_stream, redact_url
from workers.stream_source import check_source

PASSWORD = "s3cr3t-pw"
REPO = Path(__file__).resolve().parent.parent
USER = f"viewer:{PASSWORD}"


@pytest.mark.parametrize("url, shown", [
    ("rtsp://admin:s3cr3t-pw@cam.local:554/h264", "rtsp://***@cam.local:554/h264"),
    ("rtsp://admin@cam.local/h264", "rtsp://***@cam.local/h264"),
    ("http://cam/video.mjpg?user=admin&pwd=s3cr3t-pw&ch=2",
     "http://cam/video.mjpg?user=***&pwd=***&ch=2"),
    ("https://cdn.example/live.m3u8?token=s3cr3t-pw", "https://cdn.example/live.m3u8?token=***"),
    ("rtsp://u:s3cr3t-pw@[::1]:8554/cam", "rtsp://***@[::1]:8554/cam"),
    ("rtsp://127.0.0.1:8554/cam", "rtsp://127.0.0.1:8554/cam"),
    ("0", "local camera 0"),
    ("rtsp://u:s3cr3t-pw@host:notaport/x", "(an address that cannot be read)"),
    ("s3cr3t-pw", "(an address that cannot be read)"),
])
def test_redact_url_hides_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert PASSWORD not in redact_url(url)


@pytest.mark.parametrize("url", ["", "file:///etc/passwd", "/dev/video0", "ftp://x/y",
                                 "rtsp://", "rtsp://u:s3cr3t-pw@host:99999999/x", "-1"])
def test_addresses_that_are_no_camera_are_refused(url: str) -> None:
    with pytest.raises(StreamError) as caught:
        check_source(url)
    assert caught.value.kind == "invalid" and PASSWORD not in caught.value.message


def assert_one_clean_line(error: StreamError) -> None:
    assert "\n" not in error.message and PASSWORD not in error.message
    assert PASSWORD not in str(error) and "Traceback" not in error.message


def test_a_closed_port_is_refused() -> None:
    with pytest.raises(StreamError) as caught:
        open_stream(f"rtsp://viewer:{PASSWORD}@127.0.0.1:{free_port()}/cam", timeout_s=3)
    assert caught.value.kind == "refused" and not caught.value.permanent
    assert "refused the connection" in caught.value.message
    assert_one_clean_line(caught.value)


def test_a_web_page_is_not_video() -> None:
    with web_page_server() as url, pytest.raises(StreamError) as caught:
        open_stream(url.replace("http://", f"http://viewer:{PASSWORD}@"), timeout_s=3)
    assert caught.value.kind == "not_video" and caught.value.permanent
    assert "does not serve video" in caught.value.message
    assert_one_clean_line(caught.value)


# --- A real RTSP camera -----------------------------------------------------------------

@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scene = Scene(160, 120, 10.0, 20, movers=(Mover(((80, -30), (80, 150)), frames_per_leg=20),))
    return scene.write(tmp_path_factory.mktemp("clip") / "clip.mp4")


@pytest.fixture
def camera(clip: Path) -> Iterator[RtspCamera]:
    require_gstreamer()
    server = RtspCamera(clip, USER).start()
    yield server
    server.kill()


def file_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


@pytest.mark.slow
def test_rtsp_frames_are_the_files_frames_looping(camera: RtspCamera, clip: Path) -> None:
    expected = file_frames(clip)
    source = open_stream(camera.url(), timeout_s=5)
    try:
        frames = [f for f, _ in zip(source.frames(), range(len(expected) + 5), strict=False)]
    finally:
        source.close()
    for i, frame in enumerate(frames):
        np.testing.assert_array_equal(frame, expected[i % len(expected)], err_msg=f"frame {i}")


@pytest.mark.slow
@pytest.mark.parametrize("path, credentials, kind, words", [
    ("/nowhere", USER, "not_found", "no stream at this path (404)"),
    ("/cam", "viewer:wrong-pw", "unauthorized", "refused the user name or password"),
    ("/cam", "", "unauthorized", "refused the user name or password"),
])
def test_wrong_paths_and_credentials_say_so(camera: RtspCamera, path: str, credentials: str,
                                            kind: str, words: str) -> None:
    with pytest.raises(StreamError) as caught:
        open_stream(camera.url(path, credentials), timeout_s=5)
    assert caught.value.kind == kind and caught.value.permanent
    assert words in caught.value.message
    assert_one_clean_line(caught.value)


@pytest.mark.slow
def test_a_hung_camera_is_a_stall_and_a_killed_one_an_end(camera: RtspCamera) -> None:
    source = open_stream(camera.url(), timeout_s=2, stall_timeout_s=2)
    frames = source.frames()
    next(frames)
    camera.hang()
    try:
        with pytest.raises(StreamError) as caught:
            for _ in frames:
                pass
    finally:
        camera.hang(False)
        source.close()
    assert caught.value.kind == "stalled", caught.value.message
    assert_one_clean_line(caught.value)

    source = open_stream(camera.url(), timeout_s=3, stall_timeout_s=3)
    frames = source.frames()
    next(frames)
    camera.kill()
    with pytest.raises(StreamError) as caught:
        for _ in frames:
            pass
    source.close()
    assert caught.value.kind in ("ended", "stalled", "broken"), caught.value.message
    assert_one_clean_line(caught.value)


def test_nothing_a_failing_open_prints_holds_the_password() -> None:
    """FFmpeg and PyAV write to the process's stderr (which a worker's log keeps)."""
    with web_page_server() as page:
        urls = [page.replace("http://", f"http://viewer:{PASSWORD}@"),
                f"rtsp://viewer:{PASSWORD}@127.0.0.1:{free_port()}/cam"]
        script = ("import sys\nfrom workers import StreamError, open_stream\n"
                  "for url in sys.argv[1:]:\n"
                  "    try:\n        open_stream(url, timeout_s=3)\n"
                  "    except StreamError as error:\n        print(error.kind, error)\n")
        done = subprocess.run([sys.executable, "-c", script, *urls], capture_output=True,
                              text=True, timeout=60, check=False,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line.split()[0] for line in done.stdout.splitlines()] == ["not_video", "refused"]
    assert PASSWORD not in done.stdout + done.stderr


def test_an_http_stream_gives_the_files_frames_then_ends(clip: Path) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(clip.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = open_stream(f"http://127.0.0.1:{server.server_address[1]}/{clip.name}",
                             timeout_s=5)
        frames = []
        with pytest.raises(StreamError) as caught:
            for frame in source.frames():
                frames.append(frame)
        source.close()
    finally:
        server.shutdown()
        server.server_close()
    assert caught.value.kind == "ended"
    expected = file_frames(clip)
    assert len(frames) == len(expected)
    for got, want in zip(frames, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_an_mjpeg_camera_gives_its_frames_and_a_close_is_a_fault_to_retry() -> None:
    levels = list(range(0, 240, 8))
    jpegs = [cv2.imencode(".jpg", np.full((120, 160, 3), level, np.uint8))[1].tobytes()
             for level in levels]
    with mjpeg_server(jpegs) as url:
        source = open_stream(url, timeout_s=5)
        frames = []
        with pytest.raises(StreamError) as caught:
            for frame in source.frames():
                frames.append(frame)
        source.close()
    assert not caught.value.permanent
    assert [f.shape for f in frames] == [(120, 160, 3)] * len(levels)
    np.testing.assert_allclose([f.mean() for f in frames], levels, atol=2)
