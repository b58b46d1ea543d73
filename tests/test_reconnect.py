"""Backoff: delays grow and cap; the reconnector reads time only from its clock."""

from __future__ import annotations

import pytest

from workers import Backoff, Reconnector


def test_delays_double_and_cap() -> None:
    backoff = Backoff(first_s=1.0, factor=2.0, max_s=30.0)
    assert [backoff.delay(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(10_000) == 30


@pytest.mark.parametrize("args", [{"first_s": 0}, {"first_s": 5, "max_s": 1}, {"factor": 0.5}])
def test_bad_backoffs_are_refused(args: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**args)


def test_the_reconnector_follows_its_clock() -> None:
    now = [100.0]
    reconnector = Reconnector(Backoff(first_s=0.5, max_s=4), clock=lambda: now[0])
    assert reconnector.wait_s() == 0
    assert reconnector.failed() == 0.5
    now[0] += 0.2
    assert reconnector.wait_s() == pytest.approx(0.3)
    assert [reconnector.failed() for _ in range(4)] == [1, 2, 4, 4]
    reconnector.succeeded()
    assert (reconnector.failures, reconnector.wait_s()) == (0, 0)
    assert reconnector.failed() == 0.5  # a stream that ran is retried promptly
