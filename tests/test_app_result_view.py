"""The result view works from an output folder alone, as a saved-runs page will use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.runs.result import RunResult
from heatmap_core import Heatmap, Mover, Scene, analyse_video


def view(folder) -> None:  # runs as its own script: no annotations from this module
    from dashboard.runs.widgets import show_result

    show_result(folder, key="saved")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished analysis of two objects walking down across a line."""
    root = tmp_path_factory.mktemp("run")
    video = Scene(320, 240, 10.0, 60, movers=(
        Mover(((100, -30), (100, 270)), start_frame=5, frames_per_leg=30),
        Mover(((220, 270), (220, -30)), start_frame=20, frames_per_leg=30),
    )).write(root / "walk.mp4")
    heatmap = Heatmap(model="motion", region=[(0, 120), (320, 120)], verbose=False)
    analyse_video(video, heatmap, root / "out")
    return root / "out"


def show(folder: Path) -> AppTest:
    at = AppTest.from_function(view, args=(folder,), default_timeout=30).run()
    assert not at.exception
    return at


def test_the_cards_show_the_summarys_numbers(run_folder: Path) -> None:
    summary = json.loads((run_folder / "summary.json").read_text())
    at = show(run_folder)
    assert {m.label: int(m.value) for m in at.metric} == {
        "In": summary["in_count"], "Out": summary["out_count"],
        "Inside now": summary["inside"], "Tracks": summary["total_tracks"]}
    assert (summary["in_count"], summary["out_count"]) == (1, 1)
    assert all(m.help for m in at.metric)


def test_it_offers_every_file_for_download(run_folder: Path) -> None:
    at = show(run_folder)
    assert [b.proto.label for b in at.get("download_button")] == [
        "Video .mp4", "Heatmap .png", "Raw heat .npy", "Events .csv", "Series .csv",
        "Summary .json", "Report .html"]
    assert not any(b.proto.disabled for b in at.get("download_button"))


def test_the_time_spent_in_each_zone_is_shown(run_folder: Path, tmp_path: Path) -> None:
    summary = json.loads((run_folder / "summary.json").read_text())
    for file in run_folder.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    zones = [{"name": "till", "kind": "zone", "mean_dwell_s": 12.345},
             {"name": "door", "kind": "zone", "mean_dwell_s": None},
             {"name": "line", "kind": "line", "mean_dwell_s": None}]
    (tmp_path / "summary.json").write_text(json.dumps(dict(summary, regions=zones)))
    captions = [c.value for c in show(tmp_path).caption]
    assert ("Time spent in each zone, per visit on average: till 12.3 s; door: no visit "
            "has ended yet.") in captions


def test_the_events_table_lists_each_crossing(run_folder: Path) -> None:
    result = RunResult.load(run_folder)
    assert sorted(result.events["direction"]) == ["IN", "OUT"]
    assert show(run_folder).dataframe[0].value["direction"].tolist() == ["IN", "OUT"]


def test_a_partial_run_is_marked_partial(run_folder: Path, tmp_path: Path) -> None:
    summary = json.loads((run_folder / "summary.json").read_text())
    for file in run_folder.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    (tmp_path / "summary.json").write_text(json.dumps(
        dict(summary, partial=True, stop_reason="stopped", frames=30, duration_s=3.0)))
    at = show(tmp_path)
    assert at.warning[0].value.startswith("Partial result: the analysis was stopped after "
                                          "30 frames (3 s of video)")


def test_a_folder_without_a_result_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    at = show(tmp_path)
    assert "missing or damaged" in at.error[0].value
