"""The `heatmap key=value` CLI end to end, and its answers to bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from heatmap_core import Scene


def heatmap_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "heatmap_core", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_whole_real_video_end_to_end(vtest, tmp_path):
    out = tmp_path / "run"
    done = heatmap_cli(f"source={vtest}", "model=motion", "colormap=inferno",
                       "region=[(0, 200), (480, 200)]", f"output={out}")
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["frames"] == 795 and summary["fps"] == 10.0
    assert summary["model"] == "motion" and summary["colormap"] == "inferno"
    assert summary["region"] == [[0.0, 200.0], [480.0, 200.0]]
    assert summary["partial"] is False
    assert summary["in_count"] > 0 and summary["out_count"] > 0
    assert summary["total_tracks"] >= summary["in_count"]
    rows = list(csv.DictReader((out / "events.csv").open()))
    assert len(rows) == summary["in_count"] + summary["out_count"]
    assert set(rows[0]) == {"frame", "time_s", "track_id", "class", "direction", "region"}
    heat = np.load(out / "heatmap.npy")
    assert heat.shape == (360, 480) and heat.dtype == np.float32 and heat.max() > 0
    assert (out / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with av.open(str(out / "annotated.mp4")) as video:
        assert video.streams.video[0].codec_context.name == "h264"
        assert video.streams.video[0].frames == 795
    assert f"IN {summary['in_count']}, OUT {summary['out_count']}" in done.stdout


def test_every_second_frame_of_real_video_counts_the_videos_frames(vtest, tmp_path):
    out = tmp_path / "run"
    done = heatmap_cli(f"source={vtest}", "model=motion", "vid_stride=2",
                       "region=[(0, 200), (480, 200)]", f"output={out}")
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["frames"], summary["frames_analysed"], summary["duration_s"]) == (
        795, 398, 79.5)
    assert "795 frames (398 analysed)" in done.stdout
    rows = list(csv.DictReader((out / "events.csv").open()))
    assert rows and all(int(r["frame"]) % 2 == 0 for r in rows)
    assert all(r["time_s"] == f"{int(r['frame']) / 10:.3f}" for r in rows)
    assert max(int(r["frame"]) for r in rows) > 398  # video frames, not analysed ones


def test_the_seeds_region_past_the_frame_is_cut_with_one_warning_line(tmp_path):
    video = Scene(frames=12).write(tmp_path / "clip.mp4")
    done = heatmap_cli(f"source={video}", "model=motion", "region=[(10, 200), (540, 200)]",
                       f"output={tmp_path / 'out'}")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warnings == ["heatmap: warning: region 'region': (540, 200) outside the 320x240 "
                        "frame; counting with the line cut to the frame: [(10, 200), (320, 200)]"]
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    assert summary["region"] == [[10.0, 200.0], [320.0, 200.0]]


def test_help_lists_every_option():
    done = heatmap_cli("--help")
    assert done.returncode == 0
    for option in ("source", "model", "colormap", "region", "classes", "conf", "iou",
                   "tracker", "show_in", "show_out", "line_width", "decay", "output"):
        assert f"  {option} " in done.stdout


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "heatmap"  # beside the interpreter that runs us
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "usage: heatmap" in done.stdout


def test_default_output_is_under_runs(tmp_path):
    video = Scene(frames=12).write(tmp_path / "street.mp4")
    assert heatmap_cli(f"source={video}", "model=motion", cwd=tmp_path).returncode == 0
    assert heatmap_cli(f"source={video}", "model=motion", cwd=tmp_path).returncode == 0
    assert (tmp_path / "runs/heatmap/street/summary.json").exists()
    assert (tmp_path / "runs/heatmap/street-2/summary.json").exists()


@pytest.mark.parametrize("make, args, message", [
    (None, ["source=/no/such/video.mp4"], "no such file"),
    (lambda p: p.write_text("not a video"), [], "cannot open file"),
    (lambda p: p.write_bytes(b""), [], "empty"),
    (None, ["source=x.mp4", "colour=red"], "unknown option 'colour'"),
    (None, ["source"], "expected key=value"),
    (None, ["model=motion"], "source is required"),
    (lambda p: Scene(frames=5).write(p), ["region=[(0, 1)]"], "at least 2 points"),
    (lambda p: Scene(frames=5).write(p), ["region=[(0, 300), (999, 300)]"],
     "lies outside the 320x240 frame"),
    (lambda p: Scene(frames=5).write(p), ["classes=bus"], "unknown class 'bus'"),
    (lambda p: Scene(frames=5).write(p), ["colormap=sunset"], "unknown colormap"),
    (lambda p: Scene(frames=5).write(p), ["conf=high"], "conf must be a number"),
    (lambda p: Scene(frames=5).write(p), ["model=/no/weights.pt"], "no weights file"),
])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, make, args, message):
    video = tmp_path / "clip.mp4"
    if make is not None:
        make(video)
        args = [f"source={video}", "model=motion", *args] if "model=" not in " ".join(args) \
            else [f"source={video}", *args]
    done = heatmap_cli(*args, f"output={tmp_path / 'out'}")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_truncated_video_keeps_what_was_analysed(tmp_path):
    whole = Scene(frames=60).write(tmp_path / "whole.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])
    done = heatmap_cli(f"source={cut}", "model=motion", f"output={tmp_path / 'out'}")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    assert summary["partial"] is True and "ended early" in summary["stop_reason"]
    assert 0 < summary["frames"] < 60
