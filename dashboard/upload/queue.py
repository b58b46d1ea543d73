"""The server's line of analyses: at most `size` run at once, the rest wait in order.

A semaphore would cap the number too, but cannot tell a waiting user how many are
ahead of them, nor keep arrival order; this can. Thread-safe; one per server process
(`dashboard.runtime.analysis_queue`).
"""

from __future__ import annotations

import threading
from collections import deque

__all__ = ["AnalysisQueue", "Ticket"]


class Ticket:
    """One analysis's place in the line."""


class AnalysisQueue:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._turn = threading.Condition()
        self._waiting: deque[Ticket] = deque()
        self._running: set[Ticket] = set()

    def join(self) -> Ticket:
        """Take a place at the end of the line."""
        ticket = Ticket()
        with self._turn:
            self._waiting.append(ticket)
        return ticket

    def wait_turn(self, ticket: Ticket, timeout: float | None = None) -> bool:
        """Block until `ticket` may run (True), or `timeout` passes (False, still queued)."""
        with self._turn:
            ready = self._turn.wait_for(lambda: self._is_next(ticket), timeout)
            if ready and ticket in self._waiting:
                self._waiting.remove(ticket)
                self._running.add(ticket)
                self._turn.notify_all()
            return ready

    def leave(self, ticket: Ticket) -> None:
        """Give up a place in the line, or the slot of a finished analysis."""
        with self._turn:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            self._running.discard(ticket)
            self._turn.notify_all()

    def ahead(self, ticket: Ticket) -> int:
        """How many queued analyses start before `ticket` (0 when it is next or running)."""
        with self._turn:
            return self._waiting.index(ticket) if ticket in self._waiting else 0

    @property
    def running(self) -> int:
        with self._turn:
            return len(self._running)

    def _is_next(self, ticket: Ticket) -> bool:
        return ticket in self._running or (
            len(self._running) < self.size and bool(self._waiting)
            and self._waiting[0] is ticket)

