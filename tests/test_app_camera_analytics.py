"""A camera's counts over days, put in the viewer's time zone: periods from local
midnight to midnight (DST included), steps that suit the period, gaps as gaps, the
busiest hours, occupancy peaks and the period before."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dashboard.cameras.analytics import (
    busiest_hours,
    counts_table,
    occupancy_figure,
    period_window,
    previous_window,
    step_for,
    step_label,
    totals_of,
)
from run_store import Bucket

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
HOUR = timedelta(hours=1)


def bucket(start: datetime, in_count: int, out_count: int = 0, *, region: str = "door",
           peak: int = 0, seconds: float = 3600.0, class_name: str = "*") -> Bucket:
    return Bucket(start.astimezone(UTC), region, class_name, in_count, out_count, peak,
                  peak * seconds, seconds)


@pytest.mark.parametrize(("period", "first", "last"), [
    ("Today", date(2026, 3, 29), date(2026, 3, 29)),
    ("Yesterday", date(2026, 3, 28), date(2026, 3, 28)),
    ("Last 7 days", date(2026, 3, 23), date(2026, 3, 29)),
])
def test_periods_run_from_local_midnight_to_midnight(period: str, first: date,
                                                     last: date) -> None:
    now = datetime(2026, 3, 29, 15, 0, tzinfo=BERLIN)
    since, until = period_window(period, BERLIN, now)
    assert since == datetime(first.year, first.month, first.day, tzinfo=BERLIN)
    assert until == datetime(last.year, last.month, last.day, tzinfo=BERLIN) + timedelta(days=1)


def test_the_day_clocks_go_forward_has_23_hours_and_still_one_bar() -> None:
    since, until = period_window("Chosen days", BERLIN, datetime.now(UTC),
                                 date(2026, 3, 29), date(2026, 3, 29))
    assert until.astimezone(UTC) - since.astimezone(UTC) == timedelta(hours=23)  # CET -> CEST
    hourly = [bucket(since + i * HOUR, 1) for i in range(23)]
    table = counts_table(hourly, since, until, timedelta(days=1), BERLIN)
    assert table["IN"].tolist() == [23]
    assert table["start"].iloc[0].hour == 0


def test_steps_suit_the_period() -> None:
    t = datetime(2026, 11, 30, tzinfo=UTC)
    assert [step_label(step_for(t, t + span)) for span in (
        timedelta(hours=1), timedelta(days=1), timedelta(days=7), timedelta(days=30))] == [
        "5 min", "15 min", "hour", "day"]


def test_uncounted_steps_are_gaps_and_counted_empty_ones_zeros() -> None:
    t = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [bucket(t, 3, 1, seconds=900), bucket(t + 2 * timedelta(minutes=15), 0, 0,
                                                 seconds=900),
            bucket(t, 5, 5, seconds=900, class_name="person")]  # per class: not summed in
    table = counts_table(rows, t, t + HOUR, timedelta(minutes=15), UTC)
    assert table["IN"].tolist()[0] == 3 and table["IN"].tolist()[2] == 0
    assert math.isnan(table["IN"].tolist()[1]) and math.isnan(table["IN"].tolist()[3])
    assert table["net"].tolist()[0] == 2


def test_regions_are_summed_or_chosen() -> None:
    t = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [bucket(t, 3, peak=2), bucket(t, 4, region="till", peak=5)]
    assert counts_table(rows, t, t + HOUR, HOUR, UTC)["IN"].tolist() == [7]
    assert counts_table(rows, t, t + HOUR, HOUR, UTC, region="till")["IN"].tolist() == [4]
    assert counts_table(rows, t, t + HOUR, HOUR, UTC)["peak"].tolist() == [7]  # at once
    assert counts_table(rows, t, t + HOUR, HOUR, UTC, region="till")["peak"].tolist() == [5]


def test_the_peak_of_all_regions_is_the_fullest_step_of_the_zones_added() -> None:
    """Per step the zones add up; the period's peak is the fullest such step, not the
    fullest single zone (which would be 6, at 09:00, below the 7 at 10:00)."""
    t = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [bucket(t, 0, peak=6), bucket(t, 0, region="till", peak=0),
            bucket(t + HOUR, 0, peak=4), bucket(t + HOUR, 0, region="till", peak=3),
            bucket(t + HOUR, 2, region="line", peak=0)]
    table = counts_table(rows, t, t + 2 * HOUR, HOUR, UTC)
    assert table["peak"].tolist() == [6, 7]
    totals = totals_of(table)
    assert (totals.peak_inside, totals.peak_at) == (7, t + HOUR)
    door = totals_of(counts_table(rows, t, t + 2 * HOUR, HOUR, UTC, region="door"))
    assert (door.peak_inside, door.peak_at) == (6, t)  # one region: as before


def test_counted_time_is_one_regions_however_many_regions_count() -> None:
    t = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [bucket(t, 3, seconds=1800.0), bucket(t, 4, region="till", seconds=1800.0),
            bucket(t + HOUR, 1, seconds=600.0), bucket(t + HOUR, 0, region="till",
                                                      seconds=600.0)]
    table = counts_table(rows, t, t + 2 * HOUR, HOUR, UTC)
    assert table["counted_s"].tolist() == [1800.0, 600.0]
    assert totals_of(table).counted_s == 2400.0
    day = counts_table(rows, t, t + timedelta(days=1), timedelta(days=1), UTC)
    assert day["counted_s"].tolist() == [2400.0]  # hours of a day add up, regions don't


def test_the_peak_and_its_time_and_the_capacity_line() -> None:
    t = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [bucket(t + i * HOUR, 1, peak=p) for i, p in enumerate((2, 9, 4))]
    table = counts_table(rows, t, t + 4 * HOUR, HOUR, BERLIN)
    totals = totals_of(table)
    assert (totals.peak_inside, totals.peak_at.hour) == (9, 11)  # 10:00 UTC, 11:00 Berlin
    assert (totals.in_count, totals.counted_s) == (3, 3 * 3600.0)
    figure = occupancy_figure(table, capacity=8)
    assert [t.name for t in figure.data] == ["most inside", "peak"]
    assert figure.layout.shapes[0].y0 == 8


def test_busiest_hours_average_only_the_hours_that_were_counted() -> None:
    monday = datetime(2026, 11, 23, 8, tzinfo=BERLIN)  # a Monday, 08:00 local
    rows = [bucket(monday, 10, 2), bucket(monday + timedelta(days=7), 4, 0),
            bucket(monday + timedelta(days=7), 2, 0, region="till"),
            bucket(monday + timedelta(days=14), 0, 0, seconds=0.0)]  # down: not a zero
    grid = busiest_hours(rows, BERLIN)
    assert grid.loc["Mon", 8] == (12 + 6) / 2
    assert math.isnan(grid.loc["Tue", 8])


def test_the_previous_period_has_as_many_local_days() -> None:
    since, until = period_window("Last 7 days", BERLIN,
                                 datetime(2026, 11, 30, 12, tzinfo=BERLIN))
    before = previous_window(since, until, BERLIN)
    assert before == (datetime(2026, 11, 17, tzinfo=BERLIN), since)
