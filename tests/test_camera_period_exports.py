"""A camera's period as the page, the Excel workbook and the HTML report show it, from
synthetic stored data with known answers: the workbook holds the exact numbers (gaps
as empty cells), the heatmap is the summed snapshots coloured like a run's, and the
report carries everything inside itself with user text escaped."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from dashboard.cameras.exports import SHEETS, period_xlsx
from dashboard.cameras.period import PeriodView, load_period
from dashboard.cameras.period_heat import period_heat_image
from dashboard.cameras.report import camera_report
from heatmap_core import COLORMAPS, normalize_heat, overlay
from run_store import (
    CameraStore,
    DwellVisit,
    Flush,
    Gap,
    HeatSnapshot,
    HeatSum,
    IntervalCount,
)

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
NAME = "Front <b>door</b> & co"


def minute(i: int) -> datetime:
    return T0 + timedelta(minutes=i)


def stored(tmp_path: Path) -> tuple[CameraStore, str]:
    """Two hours of a camera: minutes 0-59 counted, 60-89 down (a gap), 90-119 counted.
    Region "till" (a zone) counts 2 IN + 1 OUT of persons and 1 IN of a dog in minute 5;
    one person at most inside; heat snapshots each half hour; three visits of the till."""
    store = CameraStore(None, tmp_path / "data")
    camera = store.add(NAME, "rtsp://cam/1", {})
    rows = []
    for i in [*range(60), *range(90, 120)]:
        total = (3, 1) if i == 5 else (1, 0) if i == 100 else (0, 0)
        rows.append(IntervalCount(minute(i), 60.0, "till <i>", "*", *total,
                                  1 if i in (5, 6) else 0, 0.5 if i == 5 else 0.0))
    rows += [IntervalCount(minute(5), 60.0, "till <i>", "person", 2, 1),
             IntervalCount(minute(5), 60.0, "till <i>", "dog", 1, 0),
             IntervalCount(minute(100), 60.0, "till <i>", "person", 1, 0)]
    heat = [np.full((36, 64), v, np.float32) for v in (1.0, 2.0, 4.0)]
    heat[2][10:20, 10:20] = 40.0
    store.record(camera.id, Flush(
        intervals=tuple(rows),
        heat=(HeatSnapshot(minute(0), minute(30), heat[0]),
              HeatSnapshot(minute(30), minute(60), heat[1]),
              HeatSnapshot(minute(90), minute(120), heat[2])),
        gaps=(Gap(minute(60), minute(90), "the stream <ended>"),),
        dwells=(DwellVisit(minute(6), "till <i>", "person", 30.0, 1),
                DwellVisit(minute(7), "till <i>", "person", 50.0, 2),
                DwellVisit(minute(101), "till <i>", "person", 400.0, 3))))
    return store, camera.id


@pytest.fixture
def view(tmp_path: Path) -> PeriodView:
    store, camera_id = stored(tmp_path)
    try:
        return load_period(store, camera_id, camera=NAME, period="Chosen days",
                           since=T0, until=T0 + timedelta(hours=2), zone=UTC, capacity=3)
    finally:
        store.close()


def test_the_view_sums_what_was_stored(view: PeriodView) -> None:
    assert view.step == timedelta(minutes=5)
    assert (view.totals.in_count, view.totals.out_count, view.totals.peak_inside) == (4, 1, 1)
    assert view.table["IN"].isna().sum() == 6  # the half hour down: 6 steps, none a zero
    [dwell] = view.dwell
    assert (dwell.visits, dwell.median_s, dwell.p90_s) == (3, 50.0, pytest.approx(330.0))
    assert view.heat_png is not None and "3 stored periods" in view.heat_note


def test_the_heat_image_is_the_summed_heat_coloured_like_a_run(tmp_path: Path) -> None:
    grid = np.zeros((36, 64), np.float32)
    grid[5:10, 5:10] = 9.0
    grid[20:30, 40:50] = 1.0
    total = HeatSum(T0, T0, grid, 1)
    scene = np.full((360, 640, 3), 120, np.uint8)
    drawn = period_heat_image(total, scene, {"colormap": "inferno", "opacity": 0.7})
    expected = overlay(scene, normalize_heat(grid), COLORMAPS["inferno"], 0.7)
    assert np.array_equal(drawn, expected)
    assert (drawn[0, 0] == scene[0, 0]).all()  # no heat: the scene as it is
    on_black = period_heat_image(total, None)
    assert on_black.shape[:2] == (270, 480) and on_black.max() > 0


def test_the_workbook_holds_the_exact_numbers(view: PeriodView) -> None:
    book = openpyxl.load_workbook(io.BytesIO(period_xlsx(view)))
    assert book.sheetnames == list(SHEETS)
    rows = list(book["Intervals"].iter_rows(values_only=True))
    assert rows[0] == ("start (UTC)", "region", "class", "IN", "OUT", "net", "counted_s")
    by_key = {(r[0], r[2]): r[3:] for r in rows[1:]}
    step_5 = datetime(2026, 3, 2, 9, 5)
    assert by_key[(step_5, "all classes")] == (3, 1, 2, 300)
    assert by_key[(step_5, "person")] == (2, 1, 1, 300)
    assert by_key[(step_5, "dog")] == (1, 0, 1, 300)
    assert by_key[(datetime(2026, 3, 2, 9, 10), "dog")] == (0, 0, 0, 300)  # counted, none
    down = datetime(2026, 3, 2, 10, 5)
    assert by_key[(down, "all classes")] == (None, None, None, 0)  # a gap: empty, not 0
    assert by_key[(down, "dog")] == (None, None, None, 0)
    assert len(rows) - 1 == 3 * 24
    occupancy = list(book["Occupancy"].iter_rows(values_only=True))
    assert occupancy[0] == ("start (UTC)", "region", "peak_inside", "counted_s")
    assert occupancy[2][2] == 1 and occupancy[14][2] is None
    busiest = list(book["Busiest hours"].iter_rows(values_only=True))
    assert busiest[0][:3] == ("weekday", "00:00", "01:00")
    monday = next(r for r in busiest if r[0] == "Mon")
    assert (monday[10], monday[11], monday[12]) == (4, 1, None)  # 09:00 and 10:00 UTC
    dwell = list(book["Dwell"].iter_rows(values_only=True))
    assert dwell == [("zone", "visits", "median_s", "p90_s"), ("till <i>", 3, 50, 330)]


def test_the_report_is_whole_and_escapes_user_text(view: PeriodView) -> None:
    report = camera_report(view)
    assert report.count("class=\"plotly-graph-div") == 5
    assert "Front &lt;b&gt;door&lt;/b&gt; &amp; co" in report and NAME not in report
    assert "the stream &lt;ended&gt;" in report
    assert "till <i>" not in report
    assert "data:image/png;base64," in report
    assert "src='http" not in report and 'src="http' not in report
