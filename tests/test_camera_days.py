"""Day roll-ups give exactly what the stored rows give, on SQLite and a real PostgreSQL:
hourly buckets equal the database's GROUP BY over the window, the heat of a period
equals the plain sum of its snapshots (on the newest snapshot's grid) and the dwell
stats equal the database's own window-function definition, for
windows across day boundaries, gaps, a frame-size change, a day partly covered, a day
not settled yet, after late writes into a rolled-up day and after retention pruning;
a database from before roll-ups gets their table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, inspect, select

from run_store import (
    CameraStore,
    DwellVisit,
    Flush,
    HeatSnapshot,
    HeatSum,
    IntervalCount,
    Retention,
)
from run_store.camera_buckets import bucket_query, bucket_rows
from run_store.camera_days import CameraDayRow
from run_store.camera_dwells import dwell_stats_of, histogram_query, percentile_query

T0 = datetime(2026, 3, 2, tzinfo=timezone.utc)  # a UTC midnight
NOW = T0 + timedelta(days=4, hours=10)  # day 4 is partly covered and not settled


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# Windows across roll-up boundaries: a local-midnight start to a future end, parts of
# days, exactly whole days, inside one day, over the gap, before any data.
WINDOWS = [(at(-3), NOW + timedelta(days=1)), (at(29), at(92)), (at(24), at(72)),
           (at(49), at(57)), (at(30), at(55)), (at(-240), at(-120)), (at(0), NOW),
           (at(-5.5), at(85.5))]


@pytest.fixture
def store(database_url: str | None, tmp_path: Path) -> Iterator[CameraStore]:
    store = CameraStore(database_url, tmp_path / "data", clock=lambda: NOW)
    yield store
    store.close()


def plain_heat(store: CameraStore, camera_id: str, since: datetime,
               until: datetime) -> HeatSum | None:
    """The definition: every snapshot that started in the window, newest first, added
    on the newest one's grid."""
    snapshots = store.heat(camera_id, since, until)
    if not snapshots:
        return None
    newest = snapshots[-1]
    total = np.zeros(newest.heat.shape, np.float64)
    added = [s for s in reversed(snapshots) if s.heat.shape == newest.heat.shape]
    for snapshot in added:
        total += snapshot.heat
    return HeatSum(added[-1].start, newest.end, total.astype(np.float32), len(added),
                   len(snapshots) - len(added))


def assert_same_heat(store: CameraStore, camera_id: str) -> None:
    for since, until in WINDOWS:
        fast, plain = store.heat_sum(camera_id, since, until), plain_heat(
            store, camera_id, since, until)
        if plain is None:
            assert fast is None, (since, until)
            continue
        assert fast is not None, (since, until)
        assert (fast.start, fast.end, fast.snapshots, fast.left_out) == (
            plain.start, plain.end, plain.snapshots, plain.left_out), (since, until)
        assert fast.heat.dtype == plain.heat.dtype
        assert np.array_equal(fast.heat, plain.heat), (since, until)  # bit for bit


def plain_buckets(store: CameraStore, camera_id: str, since: datetime, until: datetime,
                  bucket_s: int) -> list:
    """The definition: the GROUP BY over the window, in the database."""
    engine = create_engine(store.url)
    try:
        with engine.connect() as connection:
            return bucket_rows(list(connection.execute(bucket_query(
                camera_id, since, until, bucket_s, engine.dialect.name))))
    finally:
        engine.dispose()


def assert_same_buckets(store: CameraStore, camera_id: str) -> None:
    for since, until in WINDOWS:
        for bucket_s in (3600, 900):
            assert store.buckets(camera_id, since, until, bucket_s) == plain_buckets(
                store, camera_id, since, until, bucket_s), (since, until, bucket_s)


def plain_dwell(store: CameraStore, camera_id: str, since: datetime, until: datetime,
                region: str | None = None) -> list:
    """The definition: the GROUP BY and the window function, in the database."""
    engine = create_engine(store.url)
    try:
        with engine.connect() as connection:
            return dwell_stats_of(
                list(connection.execute(histogram_query(camera_id, since, until, region))),
                list(connection.execute(percentile_query(camera_id, since, until, region))))
    finally:
        engine.dispose()


def assert_same_dwell(store: CameraStore, camera_id: str) -> None:
    for since, until in WINDOWS:
        for region in (None, "door", "nowhere"):
            assert store.dwell_stats(camera_id, since, until, region) == plain_dwell(
                store, camera_id, since, until, region), (since, until, region)


def day_rows(store: CameraStore, camera_id: str) -> int:
    engine = create_engine(store.url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(CameraDayRow)
                                          .where(CameraDayRow.camera_id == camera_id))
                       .scalar_one())
    finally:
        engine.dispose()


def intervals(rng: np.random.Generator) -> list[IntervalCount]:
    """A minute's counts of a zone (its total and its people) from day 0 to NOW, none
    in the same gap; means in quarters, so every float sum is exact in any order."""
    made = []
    for minute in range(int((NOW - T0) / timedelta(minutes=1))):
        start = T0 + timedelta(minutes=minute)
        if at(36) <= start < at(54):
            continue
        n_in, n_out = (int(x) for x in rng.integers(0, 6, 2))
        made += [IntervalCount(start, 60.0, "door", "*", n_in, n_out,
                               int(rng.integers(0, 9)), float(rng.integers(0, 32)) / 4),
                 IntervalCount(start, 60.0, "door", "person", n_in, n_out)]
    return made


def snapshots(rng: np.random.Generator) -> list[HeatSnapshot]:
    """Every 15 minutes from day 0 to NOW, none from 12:00 on day 1 to 06:00 on day 2,
    and a larger frame from 14:00 on day 3."""
    made = []
    for quarter in range(int((NOW - T0) / timedelta(minutes=15))):
        start = T0 + timedelta(minutes=15 * quarter)
        if at(36) <= start < at(54):
            continue
        shape = (54, 96) if start < at(86) else (72, 96)
        grid = (rng.random(shape) * 60).astype(np.float16).astype(np.float32)
        made.append(HeatSnapshot(start, start + timedelta(minutes=15), grid))
    return made


def visits(rng: np.random.Generator) -> list[DwellVisit]:
    """A visit every few minutes in two zones, none in the same gap; durations spread
    over every bin, with ties and some exactly on bin edges."""
    made, minute, track = [], 0.0, 0
    while T0 + timedelta(minutes=minute) < NOW:
        ended = T0 + timedelta(minutes=minute)
        if not at(36) <= ended < at(54):
            seconds = float(rng.choice([5.0, 10.0, 60.0, 7.0, *rng.lognormal(3, 1.5, 4)]))
            made.append(DwellVisit(ended, ("door", "till")[track % 3 == 0], "person",
                                   seconds, track))
        minute += float(rng.integers(1, 6)) + 0.5
        track += 1
    return made


def test_hourly_buckets_from_roll_ups_are_the_databases_sums(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    store.record(camera.id, Flush(intervals=tuple(intervals(np.random.default_rng(4)))))
    assert_same_buckets(store, camera.id)  # making the roll-ups as it reads
    assert store.roll_up(camera.id, at(-48), NOW) == 0
    assert_same_buckets(store, camera.id)  # from them
    store.record(camera.id, Flush(intervals=(
        IntervalCount(at(40), 60.0, "door", "*", 7, 1, 3, 0.5),
        IntervalCount(at(50.5), 30.0, "till", "*", 1, 0, 1, 0.25))))
    assert store.roll_up(camera.id, at(-48), NOW) == 2  # days 1 and 2 afresh
    assert_same_buckets(store, camera.id)
    assert store.prune(Retention(interval_days=2), now=at(30) + timedelta(days=2)) > 0
    assert store.roll_up(camera.id, at(-48), NOW) == 1  # day 1, from what is left
    assert_same_buckets(store, camera.id)


def test_heat_from_roll_ups_is_the_plain_sum(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    made = snapshots(np.random.default_rng(1))
    store.record(camera.id, Flush(heat=tuple(made)))
    assert_same_heat(store, camera.id)  # making the roll-ups as it reads
    assert day_rows(store, camera.id) == 4  # days 0 to 3; day 4 is not settled
    assert store.roll_up(camera.id, at(-48), NOW) == 0  # none missing (and no visits)
    assert_same_heat(store, camera.id)  # from them
    # A late snapshot into a rolled-up day: that day is summed afresh, once.
    late = np.full((72, 96), 3.0, np.float32)
    store.record(camera.id, Flush(heat=(HeatSnapshot(at(40), at(40.25), late),)))
    assert store.roll_up(camera.id, at(24), at(48)) == 1
    assert_same_heat(store, camera.id)
    # Retention cuts into day 1: its roll-up and older ones go, the sum follows.
    assert store.prune(Retention(heat_days=3), now=at(30) + timedelta(days=3)) > 0
    assert store.roll_up(camera.id, at(-48), NOW) == 1  # day 1, from what is left
    assert_same_heat(store, camera.id)


def test_dwell_from_roll_ups_is_the_databases_definition(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    made = visits(np.random.default_rng(2))
    store.record(camera.id, Flush(dwells=tuple(made)))
    assert_same_dwell(store, camera.id)  # making the roll-ups as it reads
    assert store.roll_up(camera.id, at(-48), NOW) == 0
    assert_same_dwell(store, camera.id)  # from them
    store.record(camera.id, Flush(dwells=(DwellVisit(at(50), "door", "person", 1e4, 9),
                                          DwellVisit(at(10), "lobby", "person", 2.0, 9))))
    assert store.roll_up(camera.id, at(-48), NOW) == 2  # days 0 and 2 afresh
    assert_same_dwell(store, camera.id)
    assert store.prune(Retention(dwell_days=2), now=at(40) + timedelta(days=2)) > 0
    assert store.roll_up(camera.id, at(-48), NOW) == 0  # days 0 and 1 are empty now
    assert_same_dwell(store, camera.id)


def test_roll_ups_go_with_their_camera(store: CameraStore) -> None:
    camera = store.add("Cam", "rtsp://cam/1", {})
    rng = np.random.default_rng(3)
    store.record(camera.id, Flush(heat=tuple(snapshots(rng)[:200]),
                                  dwells=tuple(visits(rng)[:300])))
    assert store.roll_up(camera.id, at(0), NOW) > 0
    assert day_rows(store, camera.id) > 0
    store.remove(camera.id)
    assert day_rows(store, camera.id) == 0


def test_a_database_from_before_roll_ups_gets_their_table(database_url: str | None,
                                                          tmp_path: Path) -> None:
    old = CameraStore(database_url, tmp_path / "data", clock=lambda: NOW)
    kept = old.add("Door", "rtsp://cam/1", {})
    old.record(kept.id, Flush(dwells=(DwellVisit(at(1), "door", "person", 5.0, 1),)))
    old.close()
    engine = create_engine(old.url)
    with engine.begin() as connection:  # as the release before roll-ups made it
        connection.exec_driver_sql("DROP TABLE camera_days")
    engine.dispose()
    for _ in range(2):  # and again: nothing to do the second time
        store = CameraStore(database_url, tmp_path / "data", clock=lambda: NOW)
        try:
            [stats] = store.dwell_stats(kept.id, at(-1), NOW)
            assert stats.visits == 1
        finally:
            store.close()
    engine = create_engine(old.url)
    indexes = {i["name"] for i in inspect(engine).get_indexes("camera_days")}
    engine.dispose()
    assert "ux_camera_days_camera_kind_day" in indexes
