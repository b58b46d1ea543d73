"""A camera's stored counts as its live cards show them: totals of the total rows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.cameras.history import totals
from run_store import IntervalCount

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def row(minute: int, in_count: int, out_count: int, *, region: str = "door",
        class_name: str = "*", peak: int = 0, seconds: float = 60.0) -> IntervalCount:
    return IntervalCount(T0 + minute * MINUTE, seconds, region, class_name, in_count,
                         out_count, peak, peak / 2)


def test_totals_add_the_total_rows_of_every_region_and_skip_per_class_rows() -> None:
    rows = [row(0, 3, 1, peak=2), row(0, 3, 1, class_name="person"),
            row(1, 2, 0, peak=5), row(1, 4, 4, region="till", peak=1)]
    result = totals(rows)
    assert (result.in_count, result.out_count) == (9, 5)
    assert (result.peak_inside, result.inside_now) == (6, 6)  # newest minute: 5 + 1


def test_inside_now_is_never_more_than_the_peak() -> None:
    """Both are the zones added up per minute: the fullest single zone's peak (3) would
    be below what is inside now (2 + 2)."""
    rows = [row(0, 0, 0, peak=3), row(0, 0, 0, region="till", peak=2),
            row(1, 0, 0, peak=2), row(1, 0, 0, region="till", peak=2),
            row(1, 1, 0, region="line", peak=0)]  # a line: no occupancy
    result = totals(rows)
    assert (result.peak_inside, result.inside_now) == (5, 4)


def test_counted_time_adds_the_rows_a_gap_split_a_minute_into() -> None:
    rows = [row(0, 1, 0, seconds=0.74), row(0, 2, 0, seconds=2.1), row(1, 2, 0, seconds=5.2),
            row(0, 0, 0, region="till", seconds=0.74), row(0, 0, 0, region="till", seconds=2.1),
            row(1, 0, 0, region="till", seconds=5.2)]
    assert totals(rows).counted_s == pytest.approx(0.74 + 2.1 + 5.2)
