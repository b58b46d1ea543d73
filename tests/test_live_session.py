"""LiveSession: the frame callback and the page's thread-safe view of a live analysis,
fed real footage (vtest.mp4) frame by frame, without a browser."""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from dashboard.live.session import LiveSession
from heatmap_core import Heatmap
from run_store import RunStore

LINE = [(0, 180), (480, 180)]
FPS = 10


@pytest.fixture(scope="module")
def frames(footage: Path) -> list[np.ndarray]:
    """The first 15 s of footage: people cross the middle line in both directions."""
    video = cv2.VideoCapture(str(footage))
    out = []
    for _ in range(150):
        ok, frame = video.read()
        assert ok
        out.append(frame)
    video.release()
    return out


def motion(region=LINE):
    return lambda: Heatmap(model="motion", region=region, verbose=False)


def live(key: object = "motion", make=None, **options) -> LiveSession:
    session = LiveSession(**options)
    session.configure(key, make or motion())
    return session


def feed(session: LiveSession, frames: list[np.ndarray], start: float = 0.0) -> None:
    for i, frame in enumerate(frames):
        session.analyse(frame, start + i / FPS)


def test_a_session_not_yet_configured_passes_frames_through() -> None:
    session = LiveSession()
    frame = np.zeros((240, 320, 3), np.uint8)
    assert session.analyse(frame, 0.0) is frame
    snapshot = session.snapshot()
    assert not snapshot.analysing and snapshot.frames == 0
    assert snapshot.frame_size == (320, 240)  # a snapshot for the region is possible


def test_frames_are_analysed_as_the_core_would_offline(frames) -> None:
    session = live()
    feed(session, frames)
    offline = motion()()
    for i, frame in enumerate(frames):
        expected = offline(frame, i / FPS)

    snapshot = session.snapshot()
    assert snapshot.analysing and snapshot.frames == len(frames)
    assert (snapshot.in_count, snapshot.out_count, snapshot.inside, snapshot.tracks_seen) == (
        expected.in_count, expected.out_count, expected.inside, expected.tracks_seen)
    assert snapshot.in_count + snapshot.out_count > 0 and snapshot.tracks_seen > 0
    assert snapshot.stream_s == pytest.approx((len(frames) - 1) / FPS)
    assert sum(r["in"] for r in snapshot.series) == snapshot.in_count
    assert sum(r["out"] for r in snapshot.series) == snapshot.out_count
    assert snapshot.error is None


def test_the_callback_takes_and_returns_webrtc_frames_timed_by_their_timestamps(
        frames) -> None:
    session = live()
    rtp_origin = 987_654_321  # in 1/90000 s, as a browser's RTP clock
    shown = []
    for i, frame in enumerate(frames[:20]):
        incoming = av.VideoFrame.from_ndarray(frame, format="bgr24")
        incoming.pts, incoming.time_base = rtp_origin + i * 9000, Fraction(1, 90_000)
        shown.append(session.process(incoming))
    assert all(isinstance(f, av.VideoFrame) and (f.width, f.height) == (480, 360)
               for f in shown)
    annotated = shown[-1].to_ndarray(format="bgr24")
    assert np.abs(annotated.astype(int) - frames[19]).mean() > 1  # heat, boxes, the line
    assert session.snapshot().stream_s == pytest.approx(1.9)


def test_a_frame_that_cannot_be_analysed_goes_back_unchanged_and_the_page_says_why(
        frames) -> None:
    session = live(make=motion(region=[(0, 500), (900, 500)]))  # drawn for a bigger camera
    incoming = av.VideoFrame.from_ndarray(frames[0], format="bgr24")
    assert session.process(incoming) is incoming
    assert session.snapshot().error == (
        "The frame could not be analysed: region 'region' lies outside the 480x360 frame: "
        "no part of it is inside; x must be 0..480, y 0..360.")


def test_the_callback_never_raises_so_the_stream_survives_any_failure(frames) -> None:
    session = live()

    def broken() -> Heatmap:
        heatmap = Heatmap(model="motion", verbose=False)
        heatmap.process = lambda *a: (_ for _ in ()).throw(RuntimeError("model crashed"))
        return heatmap

    session.configure("broken", broken)
    incoming = av.VideoFrame.from_ndarray(frames[0], format="bgr24")
    assert session.process(incoming) is incoming
    assert session.snapshot().error == "A frame could not be analysed: model crashed"


def test_settings_that_cannot_make_a_heatmap_leave_the_video_unanalysed_with_a_message(
        frames) -> None:
    session = live(make=lambda: Heatmap(model="motion", opacity=2.0))
    assert session.analyse(frames[0], 0.0) is frames[0]
    snapshot = session.snapshot()
    assert not snapshot.analysing
    assert snapshot.error.startswith("The analysis cannot start: opacity must be")


def test_the_same_settings_keep_the_counts_and_new_ones_start_over(frames) -> None:
    session = live()
    feed(session, frames[:30])
    assert not session.configure("motion", motion())
    assert session.snapshot().frames == 30
    assert session.configure("motion, new region", motion([(240, 0), (240, 360)]))
    assert session.snapshot().frames == 0
    feed(session, frames[30:40])
    assert session.snapshot().frames == 10


def test_reset_zeroes_heat_counts_series_and_time_but_keeps_the_camera_frame(
        frames) -> None:
    session = live()
    feed(session, frames)
    session.reset()
    snapshot = session.snapshot()
    assert (snapshot.frames, snapshot.in_count, snapshot.out_count, snapshot.tracks_seen,
            snapshot.stream_s, snapshot.series, snapshot.fps) == (0, 0, 0, 0, 0.0, (), 0.0)
    assert session.latest_frame() is not None
    feed(session, frames[:5], start=500.0)  # the camera's clock goes on
    assert session.snapshot().stream_s == pytest.approx(0.4)


def test_a_stride_analyses_every_nth_frame_and_shows_the_last_result_between(
        frames) -> None:
    session = LiveSession()
    session.configure("stride 3", motion(), stride=3)
    shown = [session.analyse(frame, i / FPS) for i, frame in enumerate(frames[:9])]
    assert session.snapshot().frames == 3
    assert shown[1] is shown[0] and shown[2] is shown[0] and shown[3] is not shown[0]


def test_the_processing_rate_is_measured_and_falls_to_zero_when_frames_stop(
        frames) -> None:
    wall = [1000.0]
    session = live(monotonic=lambda: wall[0])
    for i, frame in enumerate(frames[:20]):
        wall[0] = 1000.0 + i * 0.125  # 8 analysed frames per second
        session.analyse(frame, i / FPS)
    snapshot = session.snapshot()
    assert snapshot.fps == pytest.approx(8.0)
    assert snapshot.seconds_since_frame == 0.0 and snapshot.ms_per_frame > 0
    wall[0] += 10  # the connection dropped
    snapshot = session.snapshot()
    assert snapshot.fps == 0.0 and snapshot.seconds_since_frame == pytest.approx(10)


def test_after_start_the_wait_for_the_first_frame_is_measured(frames) -> None:
    wall = [50.0]
    session = live(monotonic=lambda: wall[0])
    assert session.snapshot().waiting_s is None
    session.expect_frames()
    wall[0] = 62.0
    assert session.snapshot().waiting_s == 12.0
    session.analyse(frames[0], 0.0)
    assert session.snapshot().waiting_s is None


def test_latest_frame_is_a_copy_of_the_raw_camera_frame(frames) -> None:
    session = live()
    session.analyse(frames[0], 0.0)
    snapshot = session.latest_frame()
    assert np.array_equal(snapshot, frames[0]) and snapshot is not frames[0]
    snapshot[:] = 0
    assert np.array_equal(session.latest_frame(), frames[0])


def test_readers_and_controls_in_other_threads_never_see_a_torn_snapshot(frames) -> None:
    """The callback's thread analyses frames while the page's thread reads snapshots,
    resets and changes settings: every snapshot is consistent in itself."""
    session = live()
    stop = threading.Event()
    failures: list[BaseException] = []
    most_frames_seen = [0]

    def camera() -> None:
        try:
            for loop in range(3):
                feed(session, frames, start=loop * 100.0)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            stop.set()

    def page() -> None:
        seen = 0
        while not stop.is_set():
            snapshot = session.snapshot()
            assert sum(r["in"] for r in snapshot.series) == snapshot.in_count
            assert sum(r["out"] for r in snapshot.series) == snapshot.out_count
            assert snapshot.frames >= 0 and snapshot.error is None
            most_frames_seen[0] = max(most_frames_seen[0], snapshot.frames)
            session.latest_frame()
            seen += 1
            time.sleep(0.001)
            if seen % 50 == 0:
                session.reset()
            if seen % 170 == 0:
                session.configure(f"settings {seen}", motion())

    writer = threading.Thread(target=camera)
    readers = [threading.Thread(target=lambda: _collect(page, failures)) for _ in range(2)]
    for thread in (writer, *readers):
        thread.start()
    for thread in (writer, *readers):
        thread.join(timeout=120)
    assert not failures
    assert not writer.is_alive()
    assert most_frames_seen[0] > 0


def _collect(target, failures: list[BaseException]) -> None:
    try:
        target()
    except BaseException as error:  # reported by the test
        failures.append(error)


def test_save_writes_a_folder_the_run_store_accepts_as_a_live_run(
        frames, tmp_path: Path) -> None:
    session = live()
    feed(session, frames)
    snapshot = session.snapshot()
    summary = session.save(tmp_path / "session", source="Webcam (live)")
    assert (summary.frames, summary.in_count, summary.out_count) == (
        snapshot.frames, snapshot.in_count, snapshot.out_count)
    assert summary.duration_s == pytest.approx(snapshot.stream_s)
    assert "annotated_video" not in summary.files and not summary.partial

    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite3'}", tmp_path / "data")
    run = store.save_run(tmp_path / "session", name="Pavement", settings={"model": "motion"},
                         kind="live")
    saved = store.get(run.id)
    assert (saved.kind, saved.status, saved.in_count, saved.out_count) == (
        "live", "complete", snapshot.in_count, snapshot.out_count)
    assert len(store.events(run.id)) == snapshot.in_count + snapshot.out_count
    assert store.heatmap(run.id).shape == (360, 480)
    store.close()


def test_nothing_can_be_saved_before_a_frame_is_analysed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no frame has been analysed"):
        live().save(tmp_path, source="Webcam (live)")


@pytest.mark.parametrize("stride", [1, 3])
def test_the_video_and_the_cards_show_the_same_frame_result(frames, stride) -> None:
    """After every camera frame, the image the video gets is the one the core drew for
    the newest analysed frame (counts included, pixel for pixel), and the cards' numbers
    are that same result's, through a reset too."""
    session = LiveSession()
    session.configure("one source", motion(), stride=stride)
    offline = motion()()
    result, counted = None, 0
    for i, frame in enumerate(frames[:90] + frames[:30]):
        if i == 90:
            session.reset()
            offline.reset()
            result = None
        shown = session.analyse(frame, i / FPS)
        snapshot = session.snapshot()
        if (i % 90) % stride == 0:  # analysed: at the session's own time for this frame
            result = offline(frame, snapshot.stream_s)
        assert result is not None
        assert np.array_equal(shown, result.plot_im), i
        assert (snapshot.in_count, snapshot.out_count, snapshot.inside,
                snapshot.tracks_seen) == (result.in_count, result.out_count, result.inside,
                                          result.tracks_seen), i
        counted = max(counted, result.in_count + result.out_count)
    assert counted > 0  # the counts drawn and shown were not all zero
