"""A camera's stored counts as its dashboard shows them: totals of the total rows, and
IN and OUT per step with uncounted time left as gaps, never zeros."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dashboard.cameras.history import counts_per_interval, interval_figure, totals
from run_store import Gap, IntervalCount

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
    assert (result.peak_inside, result.inside_now) == (5, 6)  # newest minute: 5 + 1


def test_a_minute_with_no_counted_time_is_a_gap_not_a_zero() -> None:
    rows = [row(0, 2, 1), row(2, 0, 0), row(2, 1, 0, class_name="person")]
    table = counts_per_interval(rows, T0, T0 + 4 * MINUTE, MINUTE, [], timezone.utc)
    assert table["IN"].tolist()[0] == 2 and table["IN"].tolist()[2] == 0  # counted: zero
    assert math.isnan(table["IN"].tolist()[1]) and math.isnan(table["OUT"].tolist()[3])


def test_steps_inside_a_recorded_gap_are_gaps_and_times_are_the_viewers() -> None:
    rows = [row(i, 1, 0) for i in range(6)]
    gap = Gap(T0 + 2 * MINUTE, T0 + 4 * MINUTE, "the stream dropped")
    table = counts_per_interval(rows, T0, T0 + 6 * MINUTE, MINUTE, [gap],
                                ZoneInfo("Europe/Berlin"))
    assert [math.isnan(v) for v in table["IN"]] == [False, False, True, True, False, False]
    assert table["start"].iloc[0].hour == 10  # 09:00 UTC is 10:00 in Berlin in November
    figure = interval_figure(table, MINUTE)
    assert [t.name for t in figure.data] == ["IN", "OUT"]
    assert figure.layout.title.text == "IN and OUT per 1 min"


def test_counts_are_summed_into_wider_steps() -> None:
    rows = [row(i, 1, 1) for i in range(30)]
    table = counts_per_interval(rows, T0, T0 + timedelta(hours=1), timedelta(minutes=15), [],
                                timezone.utc)
    assert table["IN"].tolist()[:2] == [15, 15] and all(math.isnan(v) for v in table["IN"][2:])
