"""When to try a stream again: exponential backoff, pure, with the clock passed in.

Invariants: delays never exceed `Backoff.max_s`; the first retry after a stream that
was running comes after `first_s`; `Reconnector` reads time only through its clock, so
a test drives it without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Backoff", "Reconnector"]


@dataclass(frozen=True)
class Backoff:
    """Delays first_s, first_s*factor, ... capped at max_s seconds."""

    first_s: float = 1.0
    factor: float = 2.0
    max_s: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.first_s <= self.max_s or self.factor < 1:
            raise ValueError("backoff needs 0 < first_s <= max_s and factor >= 1")

    def delay(self, failures: int) -> float:
        """The wait after `failures` consecutive failures (1 or more)."""
        if failures < 1:
            return 0.0
        return min(self.max_s, self.first_s * self.factor ** min(failures - 1, 64))


class Reconnector:
    """Consecutive failures of one stream, and when the next attempt is due."""

    def __init__(self, backoff: Backoff = Backoff(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.backoff = backoff
        self._clock = clock
        self.failures = 0
        self._due = clock()

    def failed(self) -> float:
        """Count a failure; returns the seconds until the next attempt."""
        self.failures += 1
        delay = self.backoff.delay(self.failures)
        self._due = self._clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self._due = self._clock()

    def wait_s(self) -> float:
        """Seconds left before the next attempt is due (0 when it is)."""
        return max(0.0, self._due - self._clock())
