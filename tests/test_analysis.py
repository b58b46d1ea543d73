"""Whole-video analysis and snapshots into result folders."""

from __future__ import annotations

import json

import numpy as np

from heatmap_core import Heatmap, Mover, Scene, ScriptedDetector, analyse_video, save_snapshot


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
