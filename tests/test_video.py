"""Reading any video source, and writing H.264 that browsers play."""

from __future__ import annotations

import os
import subprocess
import sys

import av
import cv2
import numpy as np
import pytest

from heatmap_core import H264Writer, Scene, VideoError, open_video


def test_real_footage_is_read_frame_by_frame_with_times(vtest):
    with open_video(vtest) as video:
        assert (video.info.width, video.info.height, video.info.fps) == (480, 360, 10.0)
        assert video.info.frame_count == 795
        times = [t for _, t, _ in video]
    assert len(times) == 795 and times[10] == pytest.approx(1.0)
    assert not video.stopped_early


def test_the_writer_makes_h264_yuv420p_that_browsers_play(tmp_path):
    path = tmp_path / "out.mp4"
    with H264Writer(path, 12.5, 101, 77) as writer:  # odd sizes are padded
        for i in range(10):
            writer.write(np.full((77, 101, 3), i * 20, np.uint8))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (102, 78)
        assert sum(1 for _ in container.decode(video=0)) == 10


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "no such file"),
    (lambda p: (p.write_bytes(b""), p)[1], "empty"),
    (lambda p: (p.write_text("hello, I am not a video\n" * 100), p)[1], "cannot open file"),
    (lambda p: (p.write_bytes(np.random.default_rng(0).bytes(50_000)), p)[1], "cannot open file"),
    (lambda p: (p.mkdir(), p)[1], "is a folder"),
])
def test_unreadable_sources_say_why(tmp_path, make, message):
    with pytest.raises(VideoError, match=message):
        open_video(make(tmp_path / "clip.mp4"))


def test_a_truncated_video_reads_what_it_can_and_says_so(tmp_path):
    whole = Scene(frames=60).write(tmp_path / "whole.mp4")
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with open_video(cut) as video:
        read = sum(1 for _ in video)
    assert 0 < read < 60 and video.stopped_early


def test_a_video_with_no_frames_says_so(tmp_path):
    path = tmp_path / "zero.avi"
    cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48)).release()
    with pytest.raises(VideoError, match="no readable frames"):
        open_video(path)


def test_a_huge_resolution_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.mp4"
    with H264Writer(path, 1, 10000, 6000) as writer:
        writer.write(np.zeros((6000, 10000, 3), np.uint8))
    with pytest.raises(VideoError, match="10000x6000: larger than this tool handles"):
        open_video(path)


def test_ffmpeg_s_complaints_stay_quiet_and_the_environment_unchanged(tmp_path):
    # A fresh interpreter: OpenCV sets FFmpeg's log level once, on its first opening.
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all " * 500)
    code = ("import os, sys, cv2; before = dict(os.environ); "
            "from heatmap_core import VideoError, open_video\n"
            "for _ in range(2):\n"
            "    try:\n"
            "        open_video(sys.argv[1])\n"
            "    except VideoError as error:\n"
            "        print(error)\n"
            "print(dict(os.environ) == before)")
    environment = {k: v for k, v in os.environ.items() if k != "OPENCV_FFMPEG_LOGLEVEL"}
    done = subprocess.run([sys.executable, "-c", code, str(bad)], capture_output=True,
                          text=True, env=environment)
    assert done.stdout.splitlines()[-1] == "True"
    assert done.stdout.count("not a video OpenCV can read") == 2
    assert "moov atom" not in done.stderr, done.stderr
