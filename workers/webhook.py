"""Posting a fired alert as JSON to a camera's webhook, in the background.

Invariants:
- `post_in_background` returns at once: the POST, its retries and its backoff run in a
  daemon thread of their own, so a slow or failing webhook never stops or slows the
  camera that fired the alert.
- `user:password@` in the address is sent as HTTP Basic auth, a query as it is.
- Each POST waits at most `timeout_s`; a failure (no connection, a timeout, an HTTP
  status of 300 or more) is retried `tries` times in all, after `backoff` delays.
- The outcome is reported in words through `on_done` ("sent (HTTP 200)", "webhook
  failed: connection refused after 3 tries"); neither those words nor the log ever
  hold the URL's user name, password, token or query: the log shows `redact_url`.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from workers.reconnect import Backoff
from workers.stream_source import redact_url

__all__ = ["check_webhook", "deliver", "post_in_background"]

_log = logging.getLogger("workers.webhook")
RETRY = Backoff(first_s=1.0, factor=2.0, max_s=30.0)


def check_webhook(url: str) -> str:
    """`url` stripped if it is an http(s) address with a host; ValueError otherwise."""
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        _ = parts.port
    except ValueError:
        ok = False
    if not ok or len(text) > 2000:
        raise ValueError("the webhook is an http:// or https:// address with a host")
    return text


def deliver(url: str, payload: dict[str, Any], *, tries: int = 3,
            backoff: Backoff = RETRY,
            timeout_s: float = 5.0, wait: Callable[[float], Any] | None = None) -> str:
    """POST `payload` as JSON to `url`, retrying; the outcome in words (never the URL)."""
    pause = wait or threading.Event().wait
    body = json.dumps(payload).encode()
    address, headers = _split_credentials(url)
    why = "not tried"
    for attempt in range(1, tries + 1):
        request = urllib.request.Request(address, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return f"sent (HTTP {response.status})"
        except urllib.error.HTTPError as error:
            why = f"HTTP {error.code}"
        except urllib.error.URLError as error:
            why = _reason(error.reason)
        except TimeoutError:
            why = "timed out"
        except (OSError, ValueError) as error:
            why = _reason(error)
        _log.info("webhook %s: %s (try %d of %d)", redact_url(url), why, attempt, tries)
        if attempt < tries:
            pause(backoff.delay(attempt))
    return f"webhook failed: {why} after {tries} tr{'y' if tries == 1 else 'ies'}"


def post_in_background(url: str, payload: dict[str, Any], on_done: Callable[[str], Any], *,
                       tries: int = 3, backoff: Backoff | None = None,
                       timeout_s: float = 5.0) -> threading.Thread:
    """Start delivering in a daemon thread; `on_done(words)` is called from it at the end
    (its own errors are logged, never raised at the camera)."""

    def run() -> None:
        outcome = deliver(url, payload, tries=tries, timeout_s=timeout_s,
                          backoff=backoff or RETRY)
        try:
            on_done(outcome)
        except Exception:
            _log.exception("webhook %s: could not record the outcome", redact_url(url))

    thread = threading.Thread(target=run, name="alert-webhook", daemon=True)
    thread.start()
    return thread


def _split_credentials(url: str) -> tuple[str, dict[str, str]]:
    """The address without `user:password@` and the headers, with that as Basic auth."""
    headers = {"Content-Type": "application/json", "User-Agent": "heatmap-alerts"}
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, headers
    host = parts.netloc.rsplit("@", 1)[1]
    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return urlunsplit((parts.scheme, host, parts.path, parts.query, "")), headers


def _reason(error: object) -> str:
    """A failure in a few words of our own (an exception's text may hold the URL)."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, socket.gaierror):
        return "unknown host"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, OSError):
        return "network error"
    return f"error ({type(error).__name__})"
