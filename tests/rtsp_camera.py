"""Real cameras for the camera tier's tests: an RTSP server (tests/rtsp_server.py under
the system Python with GStreamer) that can be killed and brought back on the same
port, and a tiny HTTP server that answers with a web page instead of video."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent / "rtsp_server.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def gstreamer_missing() -> str | None:
    """Why an RTSP server cannot run here, or None when it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found (the RTSP test server runs on Debian's python3-gi)"
    check = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); "
         "from gi.repository import GstRtspServer"], capture_output=True, timeout=60, check=False)
    if check.returncode:
        return ("GStreamer's RTSP server is not installed (python3-gi, "
                "gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-*: see scripts/test.sh)")
    return None


def require_gstreamer() -> None:
    reason = gstreamer_missing()
    if reason:
        pytest.skip(reason)


def require_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.skip("Ray is not installed (pip install -r requirements.txt)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RtspCamera:
    """`video` served at rtsp://[user:password@]127.0.0.1:port/cam, looping."""

    def __init__(self, video: Path, user: str | None = None) -> None:
        self.video = video
        self.user = user
        self.port = free_port()
        self._process: subprocess.Popen[str] | None = None

    def url(self, path: str = "/cam", credentials: str | None = None) -> str:
        credentials = self.user if credentials is None else credentials
        at = f"{credentials}@" if credentials else ""
        return f"rtsp://{at}127.0.0.1:{self.port}{path}"

    def start(self) -> RtspCamera:
        args = [SYSTEM_PYTHON, str(SERVER), str(self.video), "--port", str(self.port)]
        if self.user:
            args += ["--user", self.user]
        # A session of its own: kill() ends the server and anything it forked, together.
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         text=True, start_new_session=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # "serving ..." once it listens
        if "serving" not in line:
            self._process.kill()
            raise RuntimeError(f"the RTSP test server did not start: {line}")
        return self

    def hang(self, hung: bool = True) -> None:
        """Freeze the server (SIGSTOP: its sockets stay open, nothing is sent), or thaw it."""
        assert self._process is not None, "the server is not running"
        os.killpg(self._process.pid, signal.SIGSTOP if hung else signal.SIGCONT)

    def kill(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(10)
            if self._process.stdout is not None:
                self._process.stdout.close()
        self._process = None


@contextmanager
def rtsp_camera(video: Path, user: str | None = None) -> Iterator[RtspCamera]:
    camera = RtspCamera(video, user).start()
    try:
        yield camera
    finally:
        camera.kill()


@contextmanager
def web_page_server() -> Iterator[str]:
    """http://127.0.0.1:PORT/ answering every GET with an HTML page."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><html><body><h1>Camera login</h1></body></html>" * 20
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/live"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def mjpeg_server(frames: list[bytes], every_s: float = 0.02) -> Iterator[str]:
    """http://127.0.0.1:PORT/video.mjpg: the JPEGs `frames` as an MJPEG stream
    (multipart/x-mixed-replace, as IP cameras send it), then the connection closes."""

    class Stream(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for jpeg in frames:
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                     + str(len(jpeg)).encode() + b"\r\n\r\n" + jpeg + b"\r\n")
                    time.sleep(every_s)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/video.mjpg"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(condition, timeout_s: float, what: str, every_s: float = 0.25):  # type: ignore[no-untyped-def]
    """Poll `condition` until it returns something truthy; fail saying `what`."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(every_s)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what} (last: {last!r})",
                pytrace=False)

