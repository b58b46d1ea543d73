"""The camera tables: cameras and what they counted come back whole, on SQLite and on
a real PostgreSQL; a flush is all or nothing; retention keeps a camera's database
within a stated size."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine

from run_store import (
    CameraEvent,
    CameraNotFound,
    CameraStore,
    Flush,
    Gap,
    HeatSnapshot,
    IntervalCount,
    InvalidCameraId,
    Retention,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
URL = "rtsp://admin:hunter2@10.0.0.7:554/stream1"


@pytest.fixture
def store(database_url: str | None, tmp_path: Path) -> Iterator[CameraStore]:
    store = CameraStore(database_url, tmp_path / "data")
    yield store
    store.close()


def minute(i: int) -> datetime:
    return T0 + timedelta(minutes=i)


def test_a_camera_round_trips_and_never_shows_its_url(store: CameraStore) -> None:
    settings = {"model": "motion", "regions": [{"name": "door", "points": [[0, 1], [5, 1]]}]}
    camera = store.add("Front door", URL, settings)
    assert "hunter2" not in repr(camera)
    again = store.get(camera.id)
    assert again == camera
    assert (again.url, again.settings, again.desired, again.counted_until) == (
        URL, settings, "stopped", None)
    assert [c.id for c in store.list()] == [camera.id]
    running = store.set_desired(camera.id, "running")
    assert running.desired == "running"
    renamed = store.update(camera.id, name="Back door", settings={"model": "yolo11n.pt"})
    assert (renamed.name, renamed.url, renamed.settings) == ("Back door", URL,
                                                             {"model": "yolo11n.pt"})


@pytest.mark.parametrize("name, url, error", [
    ("", URL, ValueError), ("   ", URL, ValueError), ("x" * 201, URL, ValueError),
    ("ok", "", ValueError), (3, URL, TypeError), ("a\x00b", URL, ValueError)])
def test_bad_cameras_are_refused_and_nothing_is_stored(store: CameraStore, name: Any, url: str,
                                                        error: type[Exception]) -> None:
    with pytest.raises(error):
        store.add(name, url, {})
    assert store.list() == []


def test_ids_are_checked_before_the_database(store: CameraStore) -> None:
    for bad in ("../etc", "x" * 12 + "'", "", 5):
        with pytest.raises(InvalidCameraId):
            store.get(bad)  # type: ignore[arg-type]
    with pytest.raises(CameraNotFound):
        store.remove("A" * 12)
    with pytest.raises(CameraNotFound):
        store.record("A" * 12, Flush(counted_until=T0))


def test_a_flush_lands_whole_and_reads_back_by_window(store: CameraStore) -> None:
    camera = store.add("Cam", URL, {})
    other = store.add("Other", URL, {})
    heat = np.random.default_rng(0).random((54, 96)).astype(np.float32) * 100
    flush = Flush(
        intervals=(IntervalCount(minute(0), 60.0, "door", "*", 3, 1, 2, 0.75),
                   IntervalCount(minute(0), 60.0, "door", "person", 3, 1),
                   IntervalCount(minute(1), 31.5, "door", "*", 0, 0, 0, 0.0)),
        events=(CameraEvent(minute(0) + timedelta(seconds=5), "door", "person", "IN", 7),
                CameraEvent(minute(1) + timedelta(seconds=1), "door", "person", "OUT", 9)),
        heat=(HeatSnapshot(minute(0), minute(15), heat),),
        gaps=(Gap(minute(1) + timedelta(seconds=31.5), minute(3), "the stream ended"),),
        counted_until=minute(1) + timedelta(seconds=31.5))
    store.record(camera.id, flush)
    assert store.intervals(camera.id) == list(flush.intervals)
    assert store.intervals(camera.id, since=minute(1)) == [flush.intervals[2]]
    assert store.intervals(camera.id, until=minute(1)) == list(flush.intervals[:2])
    assert store.events(camera.id) == list(flush.events)
    assert store.gaps(camera.id) == list(flush.gaps)
    assert store.get(camera.id).counted_until == flush.counted_until  # type: ignore[union-attr]
    [snapshot] = store.heat(camera.id)
    assert (snapshot.start, snapshot.end, snapshot.heat.shape) == (minute(0), minute(15), (54, 96))
    np.testing.assert_allclose(snapshot.heat, heat, rtol=1e-3)  # kept as float16
    assert store.intervals(other.id) == [] and store.events(other.id) == []


def test_a_flush_for_a_removed_camera_stores_nothing(store: CameraStore) -> None:
    camera = store.add("Cam", URL, {})
    store.remove(camera.id)
    with pytest.raises(CameraNotFound):
        store.record(camera.id, Flush(
            intervals=(IntervalCount(minute(0), 60.0, "door", "*", 1, 0),), counted_until=T0))
    assert store.intervals(camera.id) == []


def test_a_flush_with_a_bad_heat_grid_stores_nothing(store: CameraStore) -> None:
    camera = store.add("Cam", URL, {})
    with pytest.raises(ValueError, match="heat snapshot"):
        store.record(camera.id, Flush(
            intervals=(IntervalCount(minute(0), 60.0, "door", "*", 1, 0),),
            heat=(HeatSnapshot(T0, T0, np.zeros((1080, 1920), np.float32)),), counted_until=T0))
    assert store.intervals(camera.id) == [] and store.get(camera.id).counted_until is None  # type: ignore[union-attr]


def test_removing_a_camera_removes_what_it_counted(store: CameraStore) -> None:
    camera, kept = store.add("Cam", URL, {}), store.add("Kept", URL, {})
    for cam in (camera, kept):
        store.record(cam.id, Flush(intervals=(IntervalCount(T0, 60, "d", "*", 1, 0),),
                                   events=(CameraEvent(T0, "d", "person", "IN", 1),),
                                   gaps=(Gap(T0, minute(1), "x"),), counted_until=T0))
    store.remove(camera.id)
    assert store.get(camera.id) is None
    assert store.intervals(camera.id) == store.events(camera.id) == store.gaps(camera.id) == []
    assert len(store.intervals(kept.id)) == 1 and len(store.events(kept.id)) == 1


def test_a_new_session_clears_the_mark_a_restart_reads(store: CameraStore) -> None:
    camera = store.add("Cam", URL, {})
    store.record(camera.id, Flush(counted_until=T0))
    assert store.set_desired(camera.id, "running").counted_until == T0
    assert store.set_desired(camera.id, "running", new_session=True).counted_until is None


def test_prune_keeps_each_kind_for_its_retention(store: CameraStore) -> None:
    camera = store.add("Cam", URL, {})
    now = T0 + timedelta(days=100)
    for days in (1, 10, 20, 50, 95):
        at = now - timedelta(days=days)
        store.record(camera.id, Flush(
            intervals=(IntervalCount(at, 60, "d", "*", 1, 0),),
            events=(CameraEvent(at, "d", "person", "IN", 1),),
            heat=(HeatSnapshot(at, at, np.ones((4, 4), np.float32)),),
            gaps=(Gap(at, at + timedelta(minutes=1), "x"),)))
    removed = store.prune(Retention(interval_days=90, event_days=14, heat_days=30, gap_days=90),
                          now=now)
    assert removed == 1 + 3 + 2 + 1
    assert len(store.intervals(camera.id)) == 4
    assert len(store.events(camera.id)) == 2
    assert len(store.heat(camera.id)) == 3
    assert len(store.gaps(camera.id)) == 4


# --- A week of a busy camera, written as its worker would -----------------------------

WEEK_LIMIT_MB = 25  # the stated bound for one busy camera-week on SQLite (measured: 21 MB)


def simulate_week(store: CameraStore, camera_id: str, start: datetime, days: int,
                  prune_daily: Retention | None) -> None:
    """A busy camera: 2 regions x 2 classes, 1-minute intervals, a crossing every 10 s
    on average, a heat snapshot every 15 min. Written an hour per flush (fast), as the
    worker would write it a minute at a time."""
    rng = np.random.default_rng(1)
    heat = (rng.random((54, 96)) * 50).astype(np.float32)
    for hour in range(days * 24):
        at = start + timedelta(hours=hour)
        intervals, events = [], []
        for m in range(60):
            t = at + timedelta(minutes=m)
            for region in ("door", "till"):
                intervals.append(IntervalCount(t, 60.0, region, "*", 4, 3, 5, 2.5))
                intervals += [IntervalCount(t, 60.0, region, c, 2, 1) for c in ("person", "car")]
            events += [CameraEvent(t + timedelta(seconds=s), "door", "person", "IN",
                                   int(rng.integers(1e6))) for s in range(0, 60, 10)]
        snapshots = tuple(HeatSnapshot(at + timedelta(minutes=q), at + timedelta(minutes=q + 15),
                                       heat) for q in range(0, 60, 15))
        store.record(camera_id, Flush(tuple(intervals), tuple(events), snapshots,
                                      counted_until=at + timedelta(hours=1)))
        if prune_daily is not None and hour % 24 == 23:
            store.prune(prune_daily, now=at + timedelta(hours=1))


def sqlite_size_mb(store: CameraStore) -> float:
    database = Path(str(store.url.database))
    with sqlite3.connect(database) as connection:  # fold the WAL into the file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return database.stat().st_size / 1e6


@pytest.mark.slow
def test_a_week_of_a_busy_camera_stays_within_the_stated_size(tmp_path: Path) -> None:
    """With default retention, a week (10k intervals x 6 rows, 60k events, 672 heat
    snapshots) stays under WEEK_LIMIT_MB; with events kept 2 days, a second week does
    not grow the file: pruned pages are reused."""
    store = CameraStore(None, tmp_path / "data")
    camera = store.add("Busy", URL, {})
    simulate_week(store, camera.id, T0, 7, Retention())
    week = sqlite_size_mb(store)
    print(f"one week, default retention: {week:.1f} MB")
    assert week < WEEK_LIMIT_MB
    short = Retention(interval_days=2, event_days=2, heat_days=2, gap_days=2)
    store.prune(short, now=T0 + timedelta(days=7))
    simulate_week(store, camera.id, T0 + timedelta(days=7), 7, short)
    two_weeks = sqlite_size_mb(store)
    print(f"two weeks with 2-day retention: {two_weeks:.1f} MB")
    assert two_weeks <= week * 1.05
    assert store.intervals(camera.id, until=T0 + timedelta(days=11)) == []
    store.close()


def test_prune_can_keep_to_one_camera(store: CameraStore) -> None:
    old = T0 - timedelta(days=400)
    cameras = [store.add(name, URL, {}) for name in ("A", "B")]
    for camera in cameras:
        store.record(camera.id, Flush(intervals=(IntervalCount(old, 60, "d", "*", 1, 0),)))
    assert store.prune(Retention(), now=T0, camera_id=cameras[0].id) == 1
    assert [len(store.intervals(c.id)) for c in cameras] == [0, 1]


# --- Counts summed into buckets by the database ----------------------------------------

def test_buckets_are_summed_by_the_database_on_either_backend(store: CameraStore) -> None:
    camera = store.add("Door", URL, {})
    rows = [IntervalCount(minute(i), 60.0 if i != 7 else 30.0, "door", cls, i % 3, 1,
                          peak_inside=i % 5 if cls == "*" else 0,
                          mean_inside=1.0 if cls == "*" else 0.0)
            for i in range(20) for cls in ("*", "person")]
    store.record(camera.id, Flush(intervals=tuple(rows)))
    buckets = store.buckets(camera.id, T0, minute(20), 600)  # 10-minute buckets
    totals = [b for b in buckets if b.class_name == "*"]
    assert [b.start for b in totals] == [T0, minute(10)]
    assert [(b.in_count, b.out_count) for b in totals] == [
        (sum(i % 3 for i in range(10)), 10), (sum(i % 3 for i in range(10, 20)), 10)]
    assert [b.peak_inside for b in totals] == [4, 4]
    assert totals[0].seconds == 570.0 and totals[0].inside_seconds == 570.0  # minute 7: 30 s
    assert {b.class_name for b in buckets} == {"*", "person"}
    assert store.buckets(camera.id, minute(20), minute(40), 600) == []  # nothing: no bucket
    window = store.buckets(camera.id, minute(5), minute(12), 3600)  # half-open window
    assert sum(b.out_count for b in window if b.class_name == "*") == 7


def test_cameras_keep_their_owner_and_list_by_owner(store: CameraStore) -> None:
    alices = store.add("Door", "rtsp://cam/1", {}, owner="alice@example.org")
    nobodys = store.add("Yard", "rtsp://cam/2", {})
    assert (store.get(alices.id).owner, nobodys.owner) == ("alice@example.org", None)
    assert [c.id for c in store.list("alice@example.org")] == [alices.id]
    assert [c.id for c in store.list()] == [alices.id, nobodys.id]
    assert store.list("bob@example.org") == []


def test_a_cameras_table_from_before_owners_is_migrated(database_url: str | None,
                                                        tmp_path: Path) -> None:
    old = CameraStore(database_url, tmp_path / "data")
    kept = old.add("Door", "rtsp://cam/1", {})
    old.close()
    engine = create_engine(old.url)
    with engine.begin() as connection:  # the table as the first camera release made it
        connection.exec_driver_sql("DROP INDEX ix_cameras_owner")
        connection.exec_driver_sql("ALTER TABLE cameras DROP COLUMN owner")
    engine.dispose()
    store = CameraStore(database_url, tmp_path / "data")
    try:
        assert store.get(kept.id).owner is None
        assert store.add("Yard", "rtsp://cam/2", {}, owner="alice@example.org").owner
    finally:
        store.close()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_a_camera_share_link_opens_that_camera_until_revoked_or_expired(
        database_url: str | None, tmp_path: Path) -> None:
    clock = Clock()
    store = CameraStore(database_url, tmp_path / "data", clock=clock)
    try:
        door = store.add("Door", URL, {}, owner="alice@example.org")
        yard = store.add("Yard", URL, {}, owner="alice@example.org")
        link, token = store.share(door.id, label="for Bob",
                                  expires=T0 + timedelta(days=1))
        assert (link.camera_id, link.run_id) == (door.id, None)
        assert store.open_link(yard.id, token) is None  # one camera's token opens only it
        assert store.open_link(door.id, "x" * 43) is None
        assert not store.shared_with(door.id, "bob@example.org")
        assert store.open_link(door.id, token, visitor="bob@example.org") == link
        assert store.shared_with(door.id, "bob@example.org")
        assert [c.id for c in store.list(shared_with="bob@example.org")] == [door.id]
        assert [c.id for c in store.list("bob@example.org", shared_with="bob@example.org")
                ] == [door.id]
        assert store.share_links(door.id)[0].visitors == ("bob@example.org",)
        assert store.share_links(yard.id) == []

        clock.now += timedelta(days=1)  # expired
        assert store.open_link(door.id, token) is None
        assert not store.shared_with(door.id, "bob@example.org")
        fresh, fresh_token = store.share(door.id)
        assert store.open_link(door.id, fresh_token, visitor="bob@example.org") == fresh
        store.revoke_link(door.id, fresh.id)
        assert store.open_link(door.id, fresh_token) is None
        assert store.list(shared_with="bob@example.org") == []
        assert [x.id for x in store.share_links(door.id)] == [fresh.id, link.id]
        assert store.share_links(door.id)[0].revoked == clock.now
    finally:
        store.close()


def test_removing_a_camera_removes_its_links(store: CameraStore) -> None:
    door = store.add("Door", URL, {}, owner="alice@example.org")
    _, token = store.share(door.id)
    store.open_link(door.id, token, visitor="bob@example.org")
    store.remove(door.id)
    assert store.share_links(door.id) == []
    with pytest.raises(CameraNotFound):
        store.share(door.id)
    with pytest.raises(InvalidCameraId):
        store.share("../etc")
