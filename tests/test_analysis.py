"""Whole-video analysis and snapshots into result folders."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from heatmap_core import (
    Heatmap,
    Mover,
    Region,
    Scene,
    ScriptedDetector,
    analyse_video,
    save_snapshot,
)


def test_progress_is_reported_and_stop_keeps_a_partial_run(tmp_path):
    video = Scene(frames=40).write(tmp_path / "clip.mp4")
    seen = []
    summary = analyse_video(video, Heatmap(model="motion", verbose=False), tmp_path / "out",
                            on_progress=seen.append, progress_interval_s=0,
                            should_stop=lambda: len(seen) >= 10)
    assert summary.partial and summary.stop_reason == "stopped" and summary.frames == 10
    assert seen[-1].frames_done == 10 and seen[-1].frames_total == 40
    assert json.loads((tmp_path / "out/summary.json").read_text())["partial"] is True
    assert not list((tmp_path / "out").glob(".*partial*"))  # no half-written files left


def test_a_stop_before_the_first_frame_keeps_a_partial_run_without_a_video(tmp_path):
    video = Scene(frames=20).write(tmp_path / "clip.mp4")
    summary = analyse_video(video, Heatmap(model="motion", verbose=False), tmp_path / "out",
                            should_stop=lambda: True)
    assert summary.partial and (summary.frames, summary.frames_analysed) == (0, 0)
    assert "annotated_video" not in summary.files
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "events.csv", "heatmap.npy", "heatmap.png", "series.csv", "summary.json"]


def test_every_second_frame_gives_the_same_counts_on_a_rendered_scene(tmp_path):
    movers = (Mover(((60, -30), (60, 270)), start_frame=10, frames_per_leg=40),
              Mover(((250, 270), (250, -30)), start_frame=20, frames_per_leg=40,
                    color=(200, 80, 40)))
    video = Scene(movers=movers, frames=80).write(tmp_path / "clip.mp4")
    counts = []
    for stride in (1, 2):
        heatmap = Heatmap(model="motion", region=[(0, 120), (320, 120)], verbose=False)
        summary = analyse_video(video, heatmap, tmp_path / f"out{stride}", stride=stride)
        counts.append((summary.in_count, summary.out_count))
    assert counts == [(1, 1), (1, 1)]


# Two objects walk down, 7.5 px a frame: both across the line, the second through the zone.
LINE = Region(((0, 120), (320, 120)), "line")
ZONE = Region(((200, 80), (300, 80), (300, 160), (200, 160)), "zone")
STRIDE_SCENE = Scene(frames=81, movers=(
    Mover(((60, -30), (60, 270)), start_frame=10, frames_per_leg=40),
    Mover(((250, -30), (250, 270)), start_frame=20, frames_per_leg=40, color=(200, 80, 40))))


def first_frame(mover: Mover, beyond) -> int:
    """The video frame at which the mover's centre is first beyond a boundary."""
    return next(f for f in range(mover.start_frame, mover.end_frame)
                if beyond(mover.centre_at(f)))


BAND = 0.15 * (24 * 48) ** 0.5  # the counters' dead band for the movers' 24x48 boxes
FIRST, SECOND = STRIDE_SCENE.movers
# (region, direction, the video frame of the event, by the scene's geometry)
TRUE_EVENTS = [
    ("line", "IN", first_frame(FIRST, lambda c: c[1] > 120 + BAND)),   # 31
    ("zone", "IN", first_frame(SECOND, lambda c: c[1] > 80 + BAND)),   # 36
    ("line", "IN", first_frame(SECOND, lambda c: c[1] > 120 + BAND)),  # 41
    ("zone", "OUT", first_frame(SECOND, lambda c: c[1] > 160 + BAND)),  # 47
]


@pytest.fixture(scope="module")
def stride_clip(tmp_path_factory):
    return STRIDE_SCENE.write(tmp_path_factory.mktemp("stride") / "clip.mp4")


@pytest.mark.parametrize("stride", [1, 2])
def test_frame_numbers_are_the_videos_own_at_any_stride(stride_clip, tmp_path, stride):
    out = tmp_path / "out"
    seen = []
    summary = analyse_video(stride_clip, Heatmap(model="motion", regions=[LINE, ZONE], fps=10,
                                                 verbose=False),
                            out, stride=stride, on_progress=seen.append)
    rows = list(csv.DictReader((out / "events.csv").open()))
    assert [(r["region"], r["direction"]) for r in rows] == [e[:2] for e in TRUE_EVENTS]
    for row, (_, _, truth) in zip(rows, TRUE_EVENTS, strict=True):
        frame = int(row["frame"])
        assert frame % stride == 0  # an analysed frame, numbered as the video numbers it
        assert truth <= frame <= truth + stride + 1  # the frame it happened, not a count
        assert row["time_s"] == f"{frame / 10:.3f}"
    summary_json = json.loads((out / "summary.json").read_text())
    analysed = 81 if stride == 1 else 41
    assert (summary_json["frames"], summary_json["frames_analysed"]) == (81, analysed)
    assert summary_json["duration_s"] == 8.1
    assert (summary.frames, summary.frames_analysed, summary.duration_s) == (81, analysed, 8.1)
    last = seen[-1]
    assert (last.frames_done, last.frames_total, last.frames_analysed) == (81, 81, analysed)
    assert last.latest.frame_index == 80 and last.latest.time_s == 8.0


def test_max_frames_counts_analysed_frames_and_the_summary_the_videos(stride_clip, tmp_path):
    seen = []
    summary = analyse_video(stride_clip, Heatmap(model="motion", verbose=False), tmp_path,
                            stride=2, max_frames=10, on_progress=seen.append)
    assert (summary.frames, summary.frames_analysed, summary.duration_s) == (20, 10, 2.0)
    assert (seen[-1].frames_done, seen[-1].frames_total, seen[-1].fraction) == (20, 20, 1.0)
    assert seen[-1].latest.frame_index == 18


def test_a_snapshot_of_a_live_heatmap_is_a_result_folder_without_video(tmp_path):
    scene = Scene(movers=(Mover(((60, -30), (60, 270)), start_frame=2, frames_per_leg=30),),
                  frames=40)
    heatmap = Heatmap(model=ScriptedDetector(scene.tracks_at), region=[(0, 120), (320, 120)],
                      verbose=False)
    for index in range(scene.frames):
        heatmap(scene.frame(index), index / 10)
    summary = save_snapshot(heatmap, tmp_path / "live", background=scene.frame(0),
                            source="camera", fps=10, frames=40, duration_s=4.0, elapsed_s=4.2)
    assert (summary.in_count, summary.frames, summary.partial) == (1, 40, False)
    assert "annotated_video" not in summary.files
    names = sorted(p.name for p in (tmp_path / "live").iterdir())
    assert names == ["events.csv", "heatmap.npy", "heatmap.png", "series.csv", "summary.json"]
    assert np.load(tmp_path / "live/heatmap.npy").shape == (240, 320)
    assert (tmp_path / "live/events.csv").read_text().count("\n") == 2
