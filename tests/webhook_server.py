"""A real local HTTP server that takes webhook POSTs (http.server in a thread) and keeps
what it received, for the alert tests."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Post = tuple[str, dict[str, str], Any]


@dataclass
class Received:
    """What the server got: (path, headers, JSON body) per POST, and a way to wait."""

    posts: list[Post] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[Post]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.posts) >= count, timeout_s)
            return list(self.posts)


@contextmanager
def webhook_server(status: int = 200) -> Iterator[Received]:
    """http://127.0.0.1:PORT answering every POST with `status`."""
    received = Received()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with received.arrived:
                received.posts.append((self.path, dict(self.headers), json.loads(body)))
                received.arrived.notify_all()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    received.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
