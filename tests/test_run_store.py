"""The run store: saved analyses come back whole, on SQLite and on a real PostgreSQL.

Round-trip tests run against both backends: a SQLite file on disk, and a PostgreSQL
cluster the suite starts (initdb + pg_ctl, see tests/postgres_cluster.py) when the
server binaries are installed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import itertools
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy import inspect as sqlalchemy_inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import run_store
from heatmap_core import Heatmap, Mover, Scene, analyse_video
from run_store import (
    SAVED_FILES,
    CameraStore,
    IncompleteRun,
    InvalidRunId,
    RunNotFound,
    RunRecord,
    RunStore,
    is_run_id,
    is_token,
    new_run_id,
)

LINE = [(0, 120), (320, 120)]
SETTINGS = {"model": "motion", "region": LINE, "colormap": "deepgreen", "classes": None}
UNREACHABLE_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


# --- Analyses to save: a rendered street where one object crosses each way ----------

def analyse(video: Path, folder: Path, stop_after: int | None = None) -> Path:
    frames = itertools.count()
    should_stop = None if stop_after is None else (lambda: next(frames) >= stop_after)
    analyse_video(video, Heatmap(model="motion", region=LINE, verbose=False), folder,
                  should_stop=should_stop)
    return folder


@pytest.fixture(scope="session")
def street(tmp_path_factory: pytest.TempPathFactory) -> Path:
    down = Mover(((60, -30), (60, 270)), frames_per_leg=24)
    up = Mover(((250, 270), (250, -30)), start_frame=4, frames_per_leg=24,
               color=(200, 80, 40))
    return Scene(frames=30, movers=(down, up)).write(
        tmp_path_factory.mktemp("video") / "street.mp4")


@pytest.fixture(scope="session")
def analysis(street: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete analysis folder (read-only: copy it before changing anything)."""
    return analyse(street, tmp_path_factory.mktemp("complete"))


@pytest.fixture(scope="session")
def stopped_analysis(street: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return analyse(street, tmp_path_factory.mktemp("stopped"), stop_after=10)


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Path], Path]:
    """A private copy of an analysis folder, to damage or edit."""
    copies = itertools.count()
    return lambda folder: Path(shutil.copytree(folder, tmp_path / f"copy{next(copies)}"))






@pytest.fixture
def make_store(database_url: str | None, tmp_path: Path) -> Iterator[Callable[..., RunStore]]:
    """Stores on this test's database and data folder (all closed at the end)."""
    stores: list[RunStore] = []

    def make(**kwargs: Any) -> RunStore:
        stores.append(RunStore(database_url, tmp_path / "data", **kwargs))
        return stores[-1]

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., RunStore]) -> RunStore:
    return make_store()


def run_folders(store: RunStore) -> list[str]:
    """Everything in the store's run folder, hidden staging folders included."""
    root = store.data_dir / "runs"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def assert_intact(store: RunStore, run: RunRecord, analysis: Path) -> None:
    """The run holds exactly what the analysis folder held."""
    summary = json.loads((analysis / "summary.json").read_text())
    assert run.summary == summary
    assert (run.source, run.in_count, run.out_count, run.total_tracks) == (
        summary["source"], summary["in_count"], summary["out_count"], summary["total_tracks"])
    assert store.events(run.id) == pd.read_csv(analysis / "events.csv").to_dict("records")
    assert store.series(run.id) == pd.read_csv(analysis / "series.csv").to_dict("records")
    heat = store.heatmap(run.id)
    assert heat.dtype == np.float32
    np.testing.assert_array_equal(heat, np.load(analysis / "heatmap.npy"))
    for name in SAVED_FILES:
        assert store.file_path(run.id, name).read_bytes() == (analysis / name).read_bytes()


# --- Round trips ----------------------------------------------------------------------

def test_a_saved_run_comes_back_whole(store: RunStore, analysis: Path):
    run = store.save_run(analysis, name="Main entrance", settings=SETTINGS)

    assert store.get(run.id) == run
    assert (run.name, run.kind, run.status, run.partial) == (
        "Main entrance", "upload", "complete", False)
    assert run.settings == {"model": "motion", "region": [[0, 120], [320, 120]],
                            "colormap": "deepgreen", "classes": None}
    assert run.created.tzinfo is not None
    assert_intact(store, run, analysis)
    assert [e["direction"] for e in store.events(run.id)] == ["IN", "OUT"]
    assert run_folders(store) == [run.id]


def test_a_run_is_shown_later_without_the_folder_that_made_it(
        make_store: Callable[..., RunStore], analysis: Path, copy_of):
    folder = copy_of(analysis)
    run = make_store().save_run(folder, settings=SETTINGS, kind="live")
    shutil.rmtree(folder)

    later = make_store()  # another process, another day: a fresh engine
    assert later.get(run.id) == run
    assert later.get(run.id).kind == "live"
    assert_intact(later, run, analysis)


def test_the_name_defaults_to_the_video_name(store: RunStore, analysis: Path):
    assert store.save_run(analysis, settings={}).name == "street.mp4"


def test_the_thumbnail_is_the_heatmap_at_most_320_pixels_wide(
        store: RunStore, analysis: Path, copy_of):
    folder = copy_of(analysis)
    big = cv2.resize(cv2.imread(str(folder / "heatmap.png")), (1280, 960))
    cv2.imwrite(str(folder / "heatmap.png"), big)
    small = store.save_run(analysis, settings={})
    large = store.save_run(folder, settings={})

    def size(run: RunRecord) -> tuple[int, ...]:
        image = cv2.imdecode(np.frombuffer(run.thumbnail, np.uint8), cv2.IMREAD_COLOR)
        return image.shape[:2]

    assert size(small) == (240, 320)  # never enlarged
    assert size(large) == (240, 320)
    assert large.thumbnail[:2] == b"\xff\xd8"  # JPEG


def test_a_stopped_analysis_is_saved_as_partial(store: RunStore, stopped_analysis: Path):
    run = store.save_run(stopped_analysis, settings=SETTINGS)

    assert (run.status, run.partial, run.summary["stop_reason"]) == ("partial", True, "stopped")
    assert store.get(run.id).status == "partial"
    assert_intact(store, run, stopped_analysis)


# --- Nothing half-written is ever visible --------------------------------------------

@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "summary.json").unlink(), "half-written"),
    (shutil.rmtree, "no analysis folder"),
    (lambda f: (f / "heatmap.npy").unlink(), "lacks heatmap.npy"),
    (lambda f: (f / "events.csv").write_text("frame,time\n1,2\n"), "damaged"),
    (lambda f: (f / "summary.json").write_text('{"source": "x.mp4"'), "damaged"),
    (lambda f: (f / "heatmap.png").write_bytes(b"not a png"), "damaged"),
], ids=["no summary", "no folder", "missing file", "bad events", "truncated summary", "bad image"])
def test_a_half_written_or_damaged_folder_is_refused_and_nothing_saved(
        store: RunStore, analysis: Path, copy_of, damage, message):
    folder = copy_of(analysis)
    damage(folder)

    with pytest.raises(IncompleteRun, match=message):
        store.save_run(folder, settings=SETTINGS)
    assert store.list() == []
    assert run_folders(store) == []


def test_a_save_interrupted_mid_copy_leaves_no_row_and_no_folder(
        store: RunStore, analysis: Path, monkeypatch: pytest.MonkeyPatch):
    copies = itertools.count()
    real_copy = shutil.copyfileobj

    def disk_full_on_the_third_file(src, dst, length=0):
        if next(copies) == 2:
            dst.write(src.read(100))
            raise OSError(28, "No space left on device")
        real_copy(src, dst, length)

    monkeypatch.setattr(shutil, "copyfileobj", disk_full_on_the_third_file)
    with pytest.raises(OSError, match="No space"):
        store.save_run(analysis, settings=SETTINGS)
    assert store.list() == []
    assert run_folders(store) == []


def test_a_failed_insert_removes_the_files_already_placed(
        store: RunStore, analysis: Path, monkeypatch: pytest.MonkeyPatch):
    def connection_lost(self: Session, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("connection lost"))

    store.list()  # the tables exist; now the database fails mid-save
    monkeypatch.setattr(Session, "flush", connection_lost)
    with pytest.raises(OperationalError):
        store.save_run(analysis, settings=SETTINGS)
    monkeypatch.undo()
    assert store.list() == []
    assert run_folders(store) == []


@pytest.mark.parametrize("settings, kind, error", [
    ({"model": object()}, "upload", TypeError),
    ({"conf": float("nan")}, "upload", ValueError),
    ([("model", "motion")], "upload", TypeError),
    (SETTINGS, "webcam", ValueError),
])
def test_bad_settings_or_kind_are_refused_before_anything_is_copied(
        store: RunStore, analysis: Path, settings, kind, error):
    with pytest.raises(error):
        store.save_run(analysis, settings=settings, kind=kind)
    assert run_folders(store) == []


# --- Several users at once ------------------------------------------------------------

def test_concurrent_saves_from_threads_all_land_intact(store: RunStore, analysis: Path):
    names = [f"run {i}" for i in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda n: store.save_run(analysis, name=n, settings=SETTINGS),
                             names))

    assert sorted(r.name for r in store.list()) == names
    assert len({r.id for r in runs}) == len(names)
    for run in runs:
        assert_intact(store, run, analysis)
    assert run_folders(store) == sorted(r.id for r in runs)


def _save_in_another_process(database_url: str | None, data_dir: Path, folder: Path,
                             names: list[str]) -> list[str]:
    store = RunStore(database_url, data_dir)
    try:
        return [store.save_run(folder, name=n, settings=SETTINGS).id for n in names]
    finally:
        store.close()


def test_concurrent_saves_from_two_processes_all_land_intact(
        store: RunStore, database_url: str | None, analysis: Path):
    batches = [[f"process {p} run {i}" for i in range(4)] for p in range(2)]
    with concurrent.futures.ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("spawn")) as pool:
        ids = [run_id for batch in pool.map(_save_in_another_process,
                                            itertools.repeat(database_url),
                                            itertools.repeat(store.data_dir),
                                            itertools.repeat(analysis), batches)
               for run_id in batch]

    saved_names = sorted(name for batch in batches for name in batch)
    assert sorted(r.name for r in store.list()) == saved_names
    for run_id in ids:
        assert_intact(store, store.get(run_id), analysis)
    assert run_folders(store) == sorted(ids)


def test_sqlite_runs_in_wal_mode(analysis: Path, tmp_path: Path):
    store = RunStore(None, tmp_path)
    store.save_run(analysis, settings={})
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "runs.sqlite3")) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- Managing runs --------------------------------------------------------------------

def test_rename_changes_only_the_name(store: RunStore, analysis: Path):
    run = store.save_run(analysis, name="Before", settings=SETTINGS)

    renamed = store.rename(run.id, "After")

    assert renamed == dataclasses.replace(run, name="After")
    assert store.get(run.id) == renamed


def test_delete_removes_the_row_and_the_files(store: RunStore, analysis: Path):
    kept = store.save_run(analysis, name="kept", settings=SETTINGS)
    doomed = store.save_run(analysis, name="doomed", settings=SETTINGS)

    store.delete(doomed.id)

    assert store.get(doomed.id) is None
    assert store.list() == [kept]
    assert run_folders(store) == [kept.id]
    with pytest.raises(RunNotFound):
        store.heatmap(doomed.id)


def test_a_missing_run_is_none_for_get_and_an_error_elsewhere(store: RunStore):
    missing = new_run_id()
    assert store.get(missing) is None
    for call in (lambda: store.rename(missing, "x"), lambda: store.delete(missing),
                 lambda: store.heatmap(missing), lambda: store.events(missing),
                 lambda: store.series(missing),
                 lambda: store.file_path(missing, "annotated.mp4")):
        with pytest.raises(RunNotFound):
            call()


def test_list_is_newest_first_and_filters_by_name_and_time(
        make_store: Callable[..., RunStore], analysis: Path):
    day = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
    times = iter(day + timedelta(hours=h) for h in range(4))
    store = make_store(clock=lambda: next(times))
    names = ["North door", "south door", "Car park", "100%_done"]
    runs = [store.save_run(analysis, name=n, settings=SETTINGS) for n in names]

    assert store.list() == runs[::-1]
    assert [r.name for r in store.list(name_contains="DOOR")] == ["south door", "North door"]
    assert [r.name for r in store.list(name_contains="%_")] == ["100%_done"]
    assert store.list(name_contains="h_door") == []  # % and _ are not wildcards
    assert store.list(name_contains="N%door") == []
    assert store.list(since=day + timedelta(hours=1), until=day + timedelta(hours=3)) == [
        runs[2], runs[1]]
    since = (day + timedelta(hours=2)).astimezone(timezone(timedelta(hours=-5)))
    assert store.list(since=since) == [runs[3], runs[2]]  # any time zone
    assert store.list(limit=1) == [runs[3]]
    with pytest.raises(ValueError, match="time zone"):
        store.list(since=datetime(2026, 5, 1))


# --- Ids from URLs, names from users ---------------------------------------------------

def test_ids_are_random_url_safe_tokens():
    ids = {new_run_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_run_id(i) and len(i) == 22 for i in ids)


BAD_IDS = ["../x", "../../etc/passwd", "", ".", "..", "x" * 21, "x" * 23,
           "A" * 21 + "/", "A" * 20 + "..", "A" * 22 + "\n", "%2e%2e%2fAAAAAAAAAAAAAAAA",
           "AAAAAAAAAA AAAAAAAAAAA", "ÀAAAAAAAAAAAAAAAAAAAAA", None, 42]


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_malformed_ids_are_rejected_before_the_database_or_disk(bad_id: Any, tmp_path: Path):
    # A store whose database cannot be reached and whose folder does not exist: any
    # touch of either would fail differently.
    store = RunStore(UNREACHABLE_DATABASE, tmp_path / "nowhere")
    calls = [store.get, store.delete, store.heatmap, store.events, store.series,
             lambda i: store.rename(i, "name"), lambda i: store.file_path(i, "heatmap.png")]
    for call in calls:
        with pytest.raises(InvalidRunId):
            call(bad_id)
    assert not (tmp_path / "nowhere").exists()
    assert not is_run_id(bad_id)


@pytest.mark.parametrize("filename", [
    "../runs.sqlite3", "../../etc/passwd", "summary.json/../../x", "/etc/passwd",
    "heatmap.npz", "", "SUMMARY.JSON", "./summary.json"])
def test_file_path_serves_only_the_known_output_files(
        store: RunStore, analysis: Path, filename: str):
    run = store.save_run(analysis, settings=SETTINGS)
    with pytest.raises(ValueError, match="not a run file"):
        store.file_path(run.id, filename)
    assert store.file_path(run.id, "summary.json") == (
        store.data_dir / "runs" / run.id / "summary.json")


ODD_NAMES = ["../../etc/passwd", "C:\\Windows\\evil.mp4", "a/b/c", "<script>x</script>",
             "Robert'); DROP TABLE runs;--", "100% _done_", "  spaced  ", "line\nbreak",
             "Café 🚶‍♀️ 東京", "%s %(name)s {name}", "'\"`", "x" * 200]


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_odd_names_are_stored_and_returned_verbatim(
        store: RunStore, analysis: Path, name: str):
    run = store.save_run(analysis, name=name, settings=SETTINGS)
    assert store.get(run.id).name == name
    assert store.rename(run.id, name[::-1]).name == name[::-1]
    assert [r.id for r in store.list(name_contains=name[::-1][:30])] == [run.id]
    assert run_folders(store) == [run.id]


def test_an_odd_source_name_is_data_not_a_path(store: RunStore, analysis: Path, copy_of):
    folder = copy_of(analysis)
    source = "../../escape/évil name <1>.mp4"
    summary = json.loads((folder / "summary.json").read_text())
    (folder / "summary.json").write_text(json.dumps(dict(summary, source=source)))

    run = store.save_run(folder, settings=SETTINGS)

    assert (run.source, run.name) == (source, source)
    assert store.get(run.id).source == source
    assert run_folders(store) == [run.id]
    assert sorted(p.name for p in (store.data_dir / "runs" / run.id).iterdir()) == sorted(
        SAVED_FILES)


def test_a_long_source_is_kept_whole_but_the_default_name_is_cut(
        store: RunStore, analysis: Path, copy_of):
    folder = copy_of(analysis)
    source = "rtsp://camera.example/" + "stream/" * 40
    summary = json.loads((folder / "summary.json").read_text())
    (folder / "summary.json").write_text(json.dumps(dict(summary, source=source)))

    run = store.save_run(folder, settings=SETTINGS)

    assert (run.source, run.name) == (source, source[:200])


@pytest.mark.parametrize("name, error", [
    ("", ValueError), ("   ", ValueError), ("x" * 201, ValueError), ("a\x00b", ValueError),
    (42, TypeError)])
def test_blank_overlong_or_non_text_names_are_refused(
        store: RunStore, analysis: Path, name: Any, error: type[Exception]):
    with pytest.raises(error):
        store.save_run(analysis, name=name, settings=SETTINGS)
    run = store.save_run(analysis, name="fine", settings=SETTINGS)
    with pytest.raises(error):
        store.rename(run.id, name)
    assert store.get(run.id).name == "fine"


def test_a_record_is_frozen(store: RunStore, analysis: Path):
    run = store.save_run(analysis, settings=SETTINGS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.name = "changed"  # type: ignore[misc]


# --- Housekeeping and configuration ---------------------------------------------------

def test_orphan_folders_left_by_a_killed_save_are_removed_once_old(
        store: RunStore, analysis: Path):
    run = store.save_run(analysis, settings=SETTINGS)
    runs = store.data_dir / "runs"
    old_orphan, staging, fresh_orphan = (runs / new_run_id(), runs / ".x.partial",
                                         runs / new_run_id())
    for folder in (old_orphan, staging, fresh_orphan):
        folder.mkdir()
        (folder / "annotated.mp4").write_bytes(b"half")
    two_hours_ago = (datetime.now() - timedelta(hours=2)).timestamp()
    for folder in (old_orphan, staging, runs / run.id):
        os.utime(folder, (two_hours_ago, two_hours_ago))

    assert store.remove_orphans(older_than=timedelta(hours=1)) == 2

    assert run_folders(store) == sorted([run.id, fresh_orphan.name])
    assert_intact(store, run, analysis)


def test_the_store_takes_its_places_from_the_caller_and_reads_no_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere.example/other")
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path / "elsewhere"))
    store = RunStore(None, tmp_path)
    assert (store.url.drivername, store.url.database) == (
        "sqlite+pysqlite", str(tmp_path / "runs.sqlite3"))
    assert store.data_dir == tmp_path

    store = RunStore("postgres://team:secret@db.example/heat", str(tmp_path))
    assert (store.url.drivername, store.url.host) == ("postgresql+psycopg", "db.example")
    assert store.data_dir == tmp_path
    assert "secret" not in repr(store)


def test_the_data_folder_is_required():
    with pytest.raises(TypeError, match="data_dir"):
        RunStore(None)  # type: ignore[call-arg]


def test_the_public_api_is_pinned():
    assert sorted(run_store.__all__) == [
        "Bucket", "CameraAlert", "CameraEvent", "CameraNotFound", "CameraRecord", "CameraStore",
        "DWELL_EDGES_S", "DesiredState", "DwellStats", "DwellVisit", "EVENT_COLUMNS", "Flush",
        "Gap", "HeatSnapshot", "HeatSum", "IncompleteRun", "IntervalCount",
        "InvalidCameraId", "InvalidRunId", "MAX_NAME_LENGTH", "Retention", "RunKind",
        "RunNotFound", "RunRecord", "RunStatus", "RunStore", "SAVED_FILES", "SERIES_COLUMNS",
        "ShareLink", "check_camera_id", "check_run_id", "is_run_id", "is_token", "new_run_id"]


def test_importing_the_store_loads_no_ui_toolkit():
    code = "import sys, run_store; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_a_live_run_without_a_video_is_saved_and_its_files_listed(tmp_path):
    from heatmap_core import Heatmap, Scene, ScriptedDetector, save_snapshot
    from run_store import RunStore

    scene = Scene(frames=20)
    heatmap = Heatmap(model=ScriptedDetector(scene.tracks_at), verbose=False,
                      region=[(0, 120), (320, 120)])
    for index in range(scene.frames):
        heatmap(scene.frame(index), index / 10)
    save_snapshot(heatmap, tmp_path / "live", background=scene.frame(0), source="camera",
                  fps=10, frames=20, duration_s=2.0, elapsed_s=2.0)
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite3'}", tmp_path / "data")
    record = store.save_run(tmp_path / "live", settings={}, kind="live")
    assert record.kind == "live" and "annotated.mp4" not in record.files
    with pytest.raises(FileNotFoundError):
        store.file_path(record.id, "annotated.mp4")
    assert store.file_path(record.id, "heatmap.png").exists()


# --- Owners and share links -----------------------------------------------------------

class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def test_runs_keep_their_owner_and_lists_show_what_one_owns(store: RunStore, analysis: Path):
    alice = store.save_run(analysis, name="Alice's", settings=SETTINGS, owner="alice@x.org")
    bob = store.save_run(analysis, name="Bob's", settings=SETTINGS, owner="bob@x.org")
    nobody = store.save_run(analysis, name="Before sign-in", settings=SETTINGS)
    assert (store.get(alice.id).owner, nobody.owner) == ("alice@x.org", None)
    assert [r.id for r in store.list(owner="alice@x.org")] == [alice.id]
    assert [r.id for r in store.list(owner="bob@x.org", shared_with="bob@x.org")] == [bob.id]
    assert {r.id for r in store.list()} == {alice.id, bob.id, nobody.id}
    assert store.list(owner="carol@x.org", shared_with="carol@x.org") == []
    assert store.usage("alice@x.org")[0] == 1
    assert store.usage("alice@x.org")[1] > len(alice.thumbnail)
    assert store.usage("carol@x.org") == (0, 0)


def test_a_share_link_opens_one_run_until_revoked(make_store, analysis: Path):
    clock = Clock()
    store = make_store(clock=clock)
    run = store.save_run(analysis, name="Shop", settings=SETTINGS, owner="alice@x.org")
    other = store.save_run(analysis, name="Other", settings=SETTINGS, owner="alice@x.org")
    link, token = store.share(run.id, label="for Bob")
    assert is_token(token) and token not in json.dumps(dataclasses.asdict(link), default=str)
    assert store.open_link(other.id, token) is None  # one run's token opens only that run
    assert store.open_link(run.id, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.open_link(run.id, "not a token") is None
    assert not store.shared_with(run.id, "bob@x.org")
    assert store.open_link(run.id, token, visitor="bob@x.org") == link
    assert store.shared_with(run.id, "bob@x.org")
    assert [r.id for r in store.list(owner="bob@x.org", shared_with="bob@x.org")] == [run.id]
    assert store.share_links(run.id)[0].visitors == ("bob@x.org",)

    clock.now += timedelta(minutes=1)
    store.revoke_link(run.id, link.id)
    assert store.open_link(run.id, token, visitor="bob@x.org") is None
    assert not store.shared_with(run.id, "bob@x.org")
    assert store.list(owner="bob@x.org", shared_with="bob@x.org") == []
    revoked = store.share_links(run.id)[0]
    assert revoked.revoked == clock.now and not revoked.live(clock.now)

    fresh, fresh_token = store.share(run.id, label="for Bob, again")
    assert fresh_token != token and store.open_link(run.id, fresh_token) == fresh
    assert [x.id for x in store.share_links(run.id)] == [fresh.id, link.id]


def test_an_expired_link_stops_working(make_store, analysis: Path):
    clock = Clock()
    store = make_store(clock=clock)
    run = store.save_run(analysis, settings=SETTINGS, owner="alice@x.org")
    _, token = store.share(run.id, expires=clock.now + timedelta(hours=1))
    assert store.open_link(run.id, token, visitor="bob@x.org") is not None
    clock.now += timedelta(hours=1)
    assert store.open_link(run.id, token) is None
    assert not store.shared_with(run.id, "bob@x.org")


def test_deleting_a_run_deletes_its_links(store: RunStore, analysis: Path):
    run = store.save_run(analysis, settings=SETTINGS, owner="alice@x.org")
    _, token = store.share(run.id)
    store.open_link(run.id, token, visitor="bob@x.org")
    store.delete(run.id)
    assert store.share_links(run.id) == []
    with pytest.raises(RunNotFound):
        store.share(run.id)


def test_only_a_hash_of_a_token_is_stored(tmp_path: Path, analysis: Path):
    store = RunStore(None, tmp_path)
    run = store.save_run(analysis, settings=SETTINGS, owner="alice@x.org")
    _, token = store.share(run.id)
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "runs.sqlite3")) as db:
        dump = "\n".join(db.iterdump())
    assert "share_links" in dump and token not in dump


def test_a_database_from_before_owners_is_migrated_in_place(make_store, analysis: Path):
    old = make_store()
    kept = old.save_run(analysis, name="Kept", settings=SETTINGS)
    old.close()
    engine = create_engine(old.url)
    with engine.begin() as connection:  # the table as the first release made it
        connection.exec_driver_sql("DROP INDEX ix_runs_owner")
        connection.exec_driver_sql("ALTER TABLE runs DROP COLUMN owner")
    engine.dispose()
    store = make_store()
    assert store.get(kept.id).owner is None
    mine = store.save_run(analysis, settings=SETTINGS, owner="alice@x.org")
    assert [r.id for r in store.list(owner="alice@x.org")] == [mine.id]
    make_store().list()  # a second start finds the column there: no error


# The share-link tables as the release before camera links made them (both backends
# accept this SQL), to migrate in place.
_LINK_TABLES_BEFORE_CAMERAS = (
    "CREATE TABLE share_links (id VARCHAR(22) NOT NULL PRIMARY KEY, run_id VARCHAR(22) "
    "NOT NULL REFERENCES runs (id) ON DELETE CASCADE, token_hash VARCHAR(64) NOT NULL, "
    "label TEXT NOT NULL, created TIMESTAMP NOT NULL, expires TIMESTAMP, revoked TIMESTAMP)",
    "CREATE INDEX ix_share_links_run_id ON share_links (run_id)",
    "CREATE TABLE share_visits (link_id VARCHAR(22) NOT NULL REFERENCES share_links (id) "
    "ON DELETE CASCADE, visitor TEXT NOT NULL, first_seen TIMESTAMP NOT NULL, "
    "PRIMARY KEY (link_id, visitor))")


def _old_link_tables(url: Any) -> None:
    """Put the share-link tables of `url`'s database back as they were before camera
    links, keeping their rows."""
    engine = create_engine(url)
    with engine.begin() as connection:
        saved = connection.exec_driver_sql(
            "SELECT id, run_id, token_hash, label, created FROM share_links").all()
        visits = connection.exec_driver_sql(
            "SELECT link_id, visitor, first_seen FROM share_visits").all()
        connection.exec_driver_sql("DROP TABLE share_visits")
        connection.exec_driver_sql("DROP TABLE share_links")
        for statement in _LINK_TABLES_BEFORE_CAMERAS:
            connection.exec_driver_sql(statement)
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        for row in saved:
            connection.exec_driver_sql(
                "INSERT INTO share_links (id, run_id, token_hash, label, created) "
                f"VALUES ({', '.join([mark] * 5)})", tuple(row))
        for row in visits:
            connection.exec_driver_sql(
                "INSERT INTO share_visits (link_id, visitor, first_seen) "
                f"VALUES ({', '.join([mark] * 3)})", tuple(row))
    engine.dispose()


def test_link_tables_from_before_camera_links_are_migrated_in_place(
        make_store, database_url: str | None, tmp_path: Path, analysis: Path):
    old = make_store()
    run = old.save_run(analysis, name="Kept", settings=SETTINGS, owner="alice@x.org")
    link, token = old.share(run.id, label="for Bob")
    old.open_link(run.id, token, visitor="bob@x.org")
    old.close()
    _old_link_tables(old.url)  # the tables as they were, with that link in them

    store, again = make_store(), make_store()  # two starts: the second finds it done
    assert store.open_link(run.id, token) == link  # the old link still works
    assert store.share_links(run.id)[0].visitors == ("bob@x.org",)
    cameras = CameraStore(database_url, tmp_path / "data")
    try:
        door = cameras.add("Door", "rtsp://cam/1", {}, owner="alice@x.org")
        camera_link, camera_token = cameras.share(door.id)
        assert cameras.open_link(door.id, camera_token) == camera_link
        assert cameras.open_link(door.id, token) is None  # a run's token opens no camera
        assert again.share_links(run.id) == store.share_links(run.id)  # runs see no camera
    finally:
        cameras.close()
    engine = create_engine(old.url)
    try:
        columns = {c["name"]: c["nullable"] for c in
                   sqlalchemy_inspect(engine).get_columns("share_links")}
        indexes = {i["name"] for i in sqlalchemy_inspect(engine).get_indexes("share_links")}
    finally:
        engine.dispose()
    assert columns["run_id"] and columns["camera_id"]
    assert {"ix_share_links_run_id", "ix_share_links_camera_id"} <= indexes


def test_stores_starting_at_once_migrate_the_link_tables_once(tmp_path: Path, analysis: Path):
    """SQLite rebuilds the table to lift its NOT NULL: four processes started together
    on one old database (their migrations may overlap) all open the old link, and the
    table holds it once."""
    old = RunStore(None, tmp_path)
    run = old.save_run(analysis, settings=SETTINGS, owner="alice@x.org")
    _, token = old.share(run.id)
    old.close()
    _old_link_tables(old.url)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_open_link_in_a_fresh_store, [(str(tmp_path), run.id, token)] * 4)
    assert results == [True] * 4
    store = RunStore(None, tmp_path)
    assert store.open_link(run.id, token) is not None and len(store.share_links(run.id)) == 1
    store.close()


def _open_link_in_a_fresh_store(args: tuple[str, str, str]) -> bool:
    data, run_id, token = args
    store = RunStore(None, data)
    try:
        return store.open_link(run_id, token) is not None
    finally:
        store.close()
