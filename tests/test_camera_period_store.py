"""A camera's period as the store sums it, on SQLite and a real PostgreSQL: the heat of
the period is the sum of its snapshots (gaps add nothing); zone visits come back as
an exact median, 90th percentile and histogram; a database from before zone visits
gets their table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect

from run_store import (
    DWELL_EDGES_S,
    CameraStore,
    DwellVisit,
    Flush,
    HeatSnapshot,
    Retention,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(database_url: str | None, tmp_path: Path) -> Iterator[CameraStore]:
    store = CameraStore(database_url, tmp_path / "data")
    yield store
    store.close()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def visit(minutes: float, seconds: float, region: str = "till", track: int = 1) -> DwellVisit:
    return DwellVisit(at(minutes), region, "person", seconds, track)


def test_the_heat_of_a_period_is_the_sum_of_its_snapshots(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    rng = np.random.default_rng(1)
    grids = [(rng.random((54, 96)) * 50).astype(np.float16).astype(np.float32)
             for _ in range(6)]
    # Snapshots every 15 minutes, with an hour down between the third and the fourth.
    starts = [at(0), at(15), at(30), at(105), at(120), at(135)]
    store.record(camera.id, Flush(heat=tuple(HeatSnapshot(s, s + timedelta(minutes=15), g)
                                             for s, g in zip(starts, grids, strict=True))))
    whole = store.heat_sum(camera.id, at(0), at(150))
    assert whole is not None
    assert (whole.snapshots, whole.left_out, whole.start, whole.end) == (6, 0, at(0), at(150))
    np.testing.assert_allclose(whole.heat, np.sum(grids, axis=0), rtol=1e-6)
    part = store.heat_sum(camera.id, at(15), at(120))  # half-open on the start
    assert part is not None and part.snapshots == 3
    np.testing.assert_allclose(part.heat, grids[1] + grids[2] + grids[3], rtol=1e-6)
    assert store.heat_sum(camera.id, at(40), at(100)) is None  # only the gap: nothing
    other = store.add("Other", "rtsp://cam/2", {})
    assert store.heat_sum(other.id, at(0), at(150)) is None


def test_snapshots_on_another_grid_are_left_out_and_said(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    small = np.ones((36, 64), np.float32)
    large = np.full((54, 96), 2.0, np.float32)
    store.record(camera.id, Flush(heat=(HeatSnapshot(at(0), at(15), small),
                                        HeatSnapshot(at(15), at(30), large),
                                        HeatSnapshot(at(30), at(45), large))))
    total = store.heat_sum(camera.id, at(0), at(60))
    assert total is not None
    assert (total.heat.shape, total.snapshots, total.left_out) == ((54, 96), 2, 1)
    assert float(total.heat.max()) == 4.0 and total.start == at(15)


def test_dwell_median_p90_and_histogram_are_exact(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    till = [3.0, 7.0, 12.0, 20.0, 45.0, 61.0, 90.0, 200.0, 700.0, 4000.0, 8.0]
    door = [2.0, 4.0]
    store.record(camera.id, Flush(dwells=tuple(
        [visit(i, s, track=i) for i, s in enumerate(till)]
        + [visit(i, s, "door", track=100 + i) for i, s in enumerate(door)])))
    store.record(camera.id, Flush(dwells=(visit(500, 1.0),)))  # after the window
    stats = {s.region: s for s in store.dwell_stats(camera.id, at(0), at(100))}
    assert list(stats) == ["door", "till"]
    assert stats["till"].visits == len(till)
    assert stats["till"].median_s == float(np.median(till)) == 45.0
    assert stats["till"].p90_s == pytest.approx(float(np.percentile(till, 90)))  # 700.0
    assert stats["till"].p90_s == 700.0
    assert stats["till"].histogram == (1, 2, 2, 1, 2, 1, 0, 1, 0, 1)
    assert sum(stats["till"].histogram) == len(till)
    assert len(stats["till"].histogram) == len(DWELL_EDGES_S) + 1
    assert (stats["door"].median_s, stats["door"].p90_s) == (3.0, pytest.approx(3.8))
    assert stats["door"].histogram == (2, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    [only] = store.dwell_stats(camera.id, at(0), at(100), region="door")
    assert only == stats["door"]
    assert store.dwell_stats(camera.id, at(600), at(700)) == []  # no visit: no stats


@pytest.mark.parametrize("n", [1, 2, 3, 4, 10, 11, 101])
def test_percentiles_match_numpy_for_any_count(store: CameraStore, n: int) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    seconds = np.random.default_rng(n).random(n) * 300
    store.record(camera.id, Flush(dwells=tuple(visit(i / 10, float(s), track=i)
                                               for i, s in enumerate(seconds))))
    [stats] = store.dwell_stats(camera.id, at(0), at(60))
    assert stats.median_s == pytest.approx(float(np.percentile(seconds, 50)), abs=1e-9)
    assert stats.p90_s == pytest.approx(float(np.percentile(seconds, 90)), abs=1e-9)


def test_visits_go_with_their_camera_and_their_retention(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    store.record(camera.id, Flush(dwells=(visit(0, 5.0), visit(60 * 24 * 40, 6.0))))
    assert store.prune(Retention(dwell_days=30), now=at(60 * 24 * 41)) == 1
    [stats] = store.dwell_stats(camera.id, at(0), at(60 * 24 * 50))
    assert stats.visits == 1 and stats.median_s == 6.0
    store.remove(camera.id)
    other = store.add("Other", "rtsp://cam/2", {})
    assert store.dwell_stats(other.id, at(0), at(60 * 24 * 50)) == []


def test_a_database_from_before_zone_visits_gets_their_table(database_url: str | None,
                                                             tmp_path: Path) -> None:
    old = CameraStore(database_url, tmp_path / "data")
    kept = old.add("Door", "rtsp://cam/1", {})
    old.close()
    engine = create_engine(old.url)
    with engine.begin() as connection:  # as the release before zone visits made it
        connection.exec_driver_sql("DROP TABLE camera_dwells")
    engine.dispose()
    for _ in range(2):  # and again: nothing to do the second time
        store = CameraStore(database_url, tmp_path / "data")
        try:
            store.record(kept.id, Flush(dwells=(visit(0, 5.0),)))
            assert [s.visits for s in store.dwell_stats(kept.id, at(0), at(1))] in ([1], [2])
        finally:
            store.close()
    engine = create_engine(old.url)
    indexes = {i["name"] for i in inspect(engine).get_indexes("camera_dwells")}
    engine.dispose()
    assert "ix_camera_dwells_camera_at" in indexes
