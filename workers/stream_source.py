"""Reading a camera: an RTSP/HTTP(S) URL (PyAV) or a local camera index (OpenCV),
as BGR frames, with every failure turned into a one-line message a user can act on.

Invariants:
- No text this module produces holds a URL's user name, password or secret query
  values: messages are built from `redact_url(url)` and our own words, never from an
  exception's text (PyAV puts the full URL in its messages).
- Every failure, at open or while reading, is a `StreamError` whose `kind` says what
  happened; nothing else escapes `open_stream` or `StreamSource.frames`.
- Reads never block for ever: the socket `timeout` and PyAV's read timeout bound both
  the open and the wait for each packet (`stall_timeout_s`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

__all__ = ["STREAM_SCHEMES", "StreamError", "StreamFault", "StreamSource", "check_source",
           "open_stream", "redact_url"]

StreamFault = Literal["refused", "unreachable", "unauthorized", "not_found", "not_video",
                      "stalled", "ended", "broken", "invalid"]
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
# Faults that waiting does not cure: a wrong address or password, a page that is not video.
PERMANENT_FAULTS: frozenset[str] = frozenset({"unauthorized", "not_found", "not_video",
                                              "invalid"})
_SECRET_KEYS = re.compile(r"pass|pwd|token|key|secret|auth|sig|user|login|cred", re.IGNORECASE)


def redact_url(url: object) -> str:
    """The address with credentials hidden: `rtsp://***@host:554/path`, secret-looking
    query values as `***`; "local camera 0" for an index. Safe for pages and logs."""
    text = str(url).strip()
    if text.isdigit():
        return f"local camera {int(text)}"
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an address that cannot be read)"
    if not parts.scheme or not host:
        return "(an address that cannot be read)"
    netloc = ("***@" if "@" in parts.netloc else "") + (f"[{host}]" if ":" in host else host)
    if port is not None:
        netloc += f":{port}"
    query = urlencode([(k, "***" if _SECRET_KEYS.search(k) else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class StreamError(Exception):
    """A stream fault, `kind` for code and `message` (one line, no secrets) for people."""

    def __init__(self, kind: StreamFault, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def permanent(self) -> bool:
        """Whether retrying the same address cannot help (until the user changes it)."""
        return self.kind in PERMANENT_FAULTS


def check_source(url: str) -> str:
    """`url` stripped if it is an address `open_stream` can read; StreamError("invalid")
    otherwise (a camera index is digits; a URL is rtsp, rtsps, http or https)."""
    text = str(url).strip()
    if text.isdigit():
        return text
    try:
        parts = urlsplit(text)
        readable = parts.scheme.lower() in STREAM_SCHEMES and bool(parts.hostname)
        _ = parts.port
    except ValueError:
        readable = False
    if not readable:
        raise StreamError("invalid", "not a camera address: give rtsp://, rtsps://, http:// "
                          "or https:// with a host, or a local camera number such as 0")
    return text


@dataclass
class StreamSource:
    """An open stream; `frames()` yields BGR frames until a fault (a StreamError)."""

    url: str
    _container: Any = None
    _capture: Any = None

    @property
    def shown(self) -> str:
        return redact_url(self.url)

    def frames(self) -> Iterator[npt.NDArray[np.uint8]]:
        if self._capture is not None:
            yield from self._camera_frames()
            return
        import av

        container = self._container
        stream = container.streams.video[0]
        try:
            for packet in container.demux(stream):
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:  # one damaged packet, not the stream
                    continue
                for frame in decoded:
                    yield frame.to_ndarray(format="bgr24")
        except StreamError:
            raise
        except Exception as error:
            raise _classify(error, self.url, reading=True) from None
        raise StreamError("ended", f"the stream from {self.shown} ended")

    def close(self) -> None:
        for thing in (self._container, self._capture):
            if thing is not None:
                with contextlib.suppress(Exception):  # closing a broken stream may fail too
                    thing.close() if hasattr(thing, "close") else thing.release()

    def _camera_frames(self) -> Iterator[npt.NDArray[np.uint8]]:
        while True:
            ok, frame = self._capture.read()
            if not ok:
                raise StreamError("ended", f"{self.shown} stopped giving frames")
            yield frame


def open_stream(url: str, *, timeout_s: float = 10.0, stall_timeout_s: float = 10.0,
                rtsp_transport: Literal["tcp", "udp"] = "tcp") -> StreamSource:
    """Open `url` (or a camera index) for reading; StreamError when it cannot be."""
    url = check_source(url)
    if url.isdigit():
        return _open_local(url)
    import av

    options = {"timeout": str(int(timeout_s * 1e6))}
    if url.lower().startswith("rtsp"):
        options["rtsp_transport"] = rtsp_transport
    try:
        container = av.open(url, options=options, timeout=(timeout_s, stall_timeout_s))
    except Exception as error:
        raise _classify(error, url, reading=False) from None
    if not container.streams.video:
        container.close()
        raise StreamError("not_video", f"{redact_url(url)} has no video: check the address")
    return StreamSource(url, _container=container)


def _open_local(index: str) -> StreamSource:
    import cv2

    capture = cv2.VideoCapture(int(index))
    if not capture.isOpened():
        capture.release()
        raise StreamError("not_found", f"there is no local camera {int(index)} on the server")
    return StreamSource(index, _capture=capture)


def _classify(error: BaseException, url: str, *, reading: bool) -> StreamError:
    """Our one-line message for a PyAV failure (its own text holds the URL)."""
    import av

    shown = redact_url(url)
    if isinstance(error, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError):
        return StreamError("unauthorized", f"{shown} refused the user name or password "
                           "(401/403): check the credentials in the address")
    if isinstance(error, av.error.HTTPNotFoundError):
        return StreamError("not_found", f"{shown} has no stream at this path (404): "
                           "check the path in the address")
    if isinstance(error, ConnectionRefusedError):
        return StreamError("refused", f"{shown} refused the connection: nothing listens on "
                           "that port, or the camera is off")
    if isinstance(error, TimeoutError | av.error.ExitError):
        if reading:
            return StreamError("stalled", f"{shown} stopped sending frames (stalled)")
        return StreamError("unreachable", f"{shown} did not answer in time: check the host "
                           "and the network")
    if isinstance(error, av.error.InvalidDataError | av.error.DecoderNotFoundError):
        return StreamError("not_video", f"{shown} does not serve video (a web page?): "
                           "check the address")
    if isinstance(error, OSError) and not reading:
        return StreamError("unreachable", f"cannot reach {shown}: check the host name and "
                           "the network")
    if reading:
        return StreamError("broken", f"the stream from {shown} broke off "
                           f"({type(error).__name__})")
    return StreamError("broken", f"cannot open {shown} ({type(error).__name__})")
