"""The Saved runs page, driven like a user would through Streamlit's AppTest: every run
listed newest first with its numbers, filters by name and day, rename, delete (only
once confirmed), and two ticked runs opened side by side. Also on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from run_store import RunKind, RunRecord, RunStore
from tests.postgres_cluster import PostgresServer
from tests.saved_runs import SETTINGS, analysed, live_session, street_video

APP = Path(__file__).resolve().parent.parent / "app.py"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@dataclass(frozen=True)
class Folders:
    complete: Path
    stopped: Path
    live: Path


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    root = tmp_path_factory.mktemp("analyses")
    video = street_video(root)
    return Folders(analysed(video, root / "complete"),
                   analysed(video, root / "stopped", stop_after=10),
                   live_session(root / "live"))


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def save(folder: Path, name: str, day: date, kind: RunKind = "upload",
         database_url: str | None = None, data_dir: Path | None = None) -> RunRecord:
    """Save `folder` as a run made at noon (UTC) on `day`."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
    store = RunStore(database_url, data_dir, clock=lambda: noon)
    try:
        return store.save_run(folder, name=name, settings=SETTINGS, kind=kind)
    finally:
        store.close()


@pytest.fixture
def three_runs(data_dir: Path, folders: Folders) -> list[RunRecord]:
    """Newest first: a live session (Wednesday), a stopped upload (Tuesday) and a
    complete upload (Monday)."""
    return [save(folders.live, "Lobby webcam", WEDNESDAY, kind="live", data_dir=data_dir),
            save(folders.stopped, "Side door", TUESDAY, data_dir=data_dir),
            save(folders.complete, "Main entrance", MONDAY, data_dir=data_dir)]


def open_runs_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception
    return at


def listed(at: AppTest) -> list[str]:
    """The names of the listed runs, top to bottom (each a link to its dashboard)."""
    return [link.proto.label for link in at.get("page_link") if link.proto.page == "run"]


def links(at: AppTest) -> dict[str, str]:
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")
            if link.proto.page == "run"}


def store(data_dir: Path) -> RunStore:
    return RunStore(None, data_dir)


def test_every_run_is_listed_newest_first_with_a_link_to_its_dashboard(
        three_runs: list[RunRecord]) -> None:
    at = open_runs_page()
    assert listed(at) == ["Lobby webcam", "Side door", "Main entrance"]
    assert links(at) == {run.name: f"run={run.id}" for run in three_runs}
    assert len(at.get("image")) == 3  # a heatmap thumbnail per run
    assert at.caption[0].value == "3 runs, newest first."


def test_each_row_says_when_what_and_how_many(three_runs: list[RunRecord]) -> None:
    at = open_runs_page()
    captions = [c.value for c in at.caption]
    assert "02 Mar 2026, 12:00 · Uploaded video · street\\.mp4" in captions
    assert "04 Mar 2026, 12:00 · Live session · webcam" in captions
    numbers = [m.value for m in at.markdown if m.value.startswith("In ")]
    assert numbers == [f"In **{r.in_count}** · Out **{r.out_count}**  \nTracks "
                       f"**{r.total_tracks}**" for r in three_runs]
    assert numbers[2] == "In **1** · Out **1**  \nTracks **2**"


def test_a_partial_run_is_marked_partial(three_runs: list[RunRecord]) -> None:
    badges = [m.value for m in open_runs_page().markdown if "-badge[" in m.value]
    assert badges == [":green-badge[:material/check: Complete]",
                      ":orange-badge[:material/warning: Partial: was stopped]",
                      ":green-badge[:material/check: Complete]"]


def test_the_name_filter_ignores_case(three_runs: list[RunRecord]) -> None:
    at = open_runs_page()
    at.text_input(key="runs_name").input("DOOR").run()
    assert listed(at) == ["Side door"]
    at.text_input(key="runs_name").input("e").run()
    assert listed(at) == ["Lobby webcam", "Side door", "Main entrance"]


@pytest.mark.parametrize(("days", "expected"), [
    ((TUESDAY, TUESDAY), ["Side door"]),
    ((MONDAY, TUESDAY), ["Side door", "Main entrance"]),
    ((TUESDAY,), ["Lobby webcam", "Side door"]),  # only the first day picked so far
    ((date(2026, 3, 5), date(2026, 3, 9)), []),
])
def test_the_day_filter_keeps_runs_saved_on_those_days(
        three_runs: list[RunRecord], days: tuple[date, ...], expected: list[str]) -> None:
    at = open_runs_page()
    at.date_input(key="runs_days").set_value(days).run()
    assert listed(at) == expected
    if not expected:
        assert at.info[0].value == "No saved run matches this filter."


def test_with_no_runs_it_says_where_runs_come_from(data_dir: Path) -> None:
    at = open_runs_page()
    assert at.info[0].value == "No saved runs yet: every analysis you run is saved here."
    assert listed(at) == []


def test_rename_gives_the_run_its_new_name_everywhere(
        three_runs: list[RunRecord], data_dir: Path) -> None:
    side_door = three_runs[1]
    at = open_runs_page()
    at.text_input(key=f"runs_new_name_{side_door.id}").input("  Loading bay  ")
    at.button(key=f"runs_rename_{side_door.id}").click().run()
    assert at.success[0].value == "Renamed to **Loading bay**."
    assert listed(at) == ["Lobby webcam", "Loading bay", "Main entrance"]
    assert store(data_dir).get(side_door.id).name == "Loading bay"


def test_a_blank_name_is_refused(three_runs: list[RunRecord], data_dir: Path) -> None:
    side_door = three_runs[1]
    at = open_runs_page()
    at.text_input(key=f"runs_new_name_{side_door.id}").input("   ")
    at.button(key=f"runs_rename_{side_door.id}").click().run()
    assert at.error[0].value.startswith("Not renamed: a run name has 1 to 200 characters")
    assert store(data_dir).get(side_door.id).name == "Side door"


def test_delete_asks_first_then_removes_the_run_and_its_files(
        three_runs: list[RunRecord], data_dir: Path) -> None:
    lobby = three_runs[0]
    at = open_runs_page()
    confirm = next(m.value for m in at.markdown if m.value.startswith("Delete **Lobby"))
    assert confirm == ("Delete **Lobby webcam**? Its dashboard and link stop working. "
                       "This cannot be undone.")
    at.button(key=f"runs_rename_{lobby.id}").click().run()  # any other click deletes nothing
    assert store(data_dir).get(lobby.id) is not None

    at.button(key=f"runs_delete_{lobby.id}").click().run()
    assert at.success[0].value == "Deleted **Lobby webcam**."
    assert listed(at) == ["Side door", "Main entrance"]
    assert store(data_dir).get(lobby.id) is None
    assert not (data_dir / "runs" / lobby.id).exists()


def test_two_ticked_runs_open_side_by_side(three_runs: list[RunRecord]) -> None:
    lobby, _, main_entrance = three_runs
    at = open_runs_page()
    assert at.button(key="runs_compare").disabled
    at.checkbox(key=f"runs_pick_{lobby.id}").check().run()
    assert at.button(key="runs_compare").disabled  # one is not a pair
    at.checkbox(key=f"runs_pick_{main_entrance.id}").check().run()
    at.button(key="runs_compare").click().run()
    assert not at.exception
    assert at.title[0].value == "Compare two runs"
    assert dict(at.query_params) == {"a": lobby.id, "b": main_entrance.id}
    assert [s.value for s in at.subheader] == ["A: Lobby webcam", "B: Main entrance"]


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, data_dir: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL database, which the app uses through $DATABASE_URL."""
    name = f"app_runs_{data_dir.name.lower().replace('-', '_')}"[:60]
    with postgres_server.admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = postgres_server.url(name)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    with postgres_server.admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")


def test_the_page_works_on_postgresql(postgres_url: str, data_dir: Path,
                                      folders: Folders) -> None:
    older = save(folders.complete, "Main entrance", MONDAY, database_url=postgres_url,
                 data_dir=data_dir)
    newer = save(folders.stopped, "Side door", TUESDAY, database_url=postgres_url,
                 data_dir=data_dir)
    at = open_runs_page()
    assert listed(at) == ["Side door", "Main entrance"]
    at.text_input(key="runs_name").input("main").run()
    assert links(at) == {"Main entrance": f"run={older.id}"}
    at.text_input(key=f"runs_new_name_{older.id}").input("Front gate")
    at.button(key=f"runs_rename_{older.id}").click().run()
    at.text_input(key="runs_name").input("").run()
    assert listed(at) == ["Side door", "Front gate"]
    at.button(key=f"runs_delete_{newer.id}").click().run()
    assert listed(at) == ["Front gate"]
    assert RunStore(postgres_url, data_dir).get(newer.id) is None
