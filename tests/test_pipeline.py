"""Heatmap: the seed's API and results, and where it does better."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from heatmap_core import Heatmap, RegionClippedWarning, ScriptedDetector, Tracks
from tests.helpers import boxes_at


def walker(frame: int) -> Tracks:
    """Track 1 walks down x=100 from y=20, 10 px a frame; track 2 (a car) stands still."""
    return Tracks(np.array([[90, 20 + 10 * frame - 20, 110, 20 + 10 * frame + 20],
                            [200, 150, 260, 190]]),
                  np.array([1, 2]), np.array([0, 2]), np.array([0.9, 0.8]))


def heatmap_with(script=walker, **kwargs) -> Heatmap:
    kwargs.setdefault("verbose", False)
    return Heatmap(model=ScriptedDetector(script, names={0: "person", 2: "car"}), **kwargs)


def blank(h: int = 240, w: int = 320) -> np.ndarray:
    return np.full((h, w, 3), 90, np.uint8)


def last_of(heatmap: Heatmap, frames: int):
    """The results of the last of `frames` blank frames."""
    for _ in range(frames):
        results = heatmap(blank())
    return results


def test_counts_and_seed_results():
    heatmap = heatmap_with(region=[(0, 120), (320, 120)])
    for _ in range(20):
        results = heatmap(blank())
    assert (results.in_count, results.out_count, results.total_tracks) == (1, 0, 2)
    assert results.classwise_count == {"person": {"IN": 1, "OUT": 0}}
    assert set(results.speed) == {"track", "solution"}


def test_the_callers_frame_is_never_drawn_on():
    frame = blank()
    heatmap_with(region="[(0, 120), (320, 120)]")(frame)
    assert (frame == 90).all()


def test_results_are_snapshots_that_later_frames_do_not_change():
    heatmap = heatmap_with(region=[(0, 120), (320, 120)])
    early = [heatmap(blank()) for _ in range(12)][-1]
    before = (early.in_count, {k: dict(v) for k, v in early.classwise_count.items()})
    for _ in range(10):
        heatmap(blank())
    early.classwise_count.setdefault("x", {})  # even mutating it touches nothing else
    assert heatmap.classwise_count == {"person": {"IN": 1, "OUT": 0}}
    assert (early.in_count, {k: v for k, v in early.classwise_count.items() if k != "x"}) == before


def test_heat_is_blended_only_where_there_is_heat():
    heatmap = heatmap_with(show_boxes=False)
    for _ in range(5):
        results = heatmap(blank())
    assert (results.plot_im[230, 10] == 90).all()       # never visited: untouched
    assert not (results.plot_im[170, 230] == 90).all()  # under the standing car: coloured


def test_raw_heatmap_is_frame_sized_float32_object_seconds():
    heatmap = heatmap_with(fps=10)
    for _ in range(10):
        heatmap(blank())
    heat = heatmap.heatmap
    assert heat.shape == (240, 320) and heat.dtype == np.float32
    assert heat[170, 230] == pytest.approx(1.0)  # the car: 10 frames of 0.1 s


def test_timestamps_weight_the_heat_so_dropped_frames_change_nothing():
    steady = heatmap_with(script=lambda i: walker(0))
    dropping = heatmap_with(script=lambda i: walker(0))
    for i in range(20):
        steady(blank(), i * 0.1)
    for i in range(0, 20, 4):  # a live stream that kept only every 4th frame
        dropping(blank(), i * 0.1)
    assert dropping.heatmap[170, 230] == pytest.approx(steady.heatmap[170, 230], rel=0.25)


def test_decay_fades_old_heat():
    heatmap = heatmap_with(script=lambda i: walker(0) if i < 5 else Tracks.empty(), decay=1.0)
    for i in range(5):
        heatmap(blank(), i * 0.1)
    hot = heatmap.heatmap[170, 230]
    for i in range(5, 25):
        heatmap(blank(), i * 0.1)
    assert heatmap.heatmap[170, 230] == pytest.approx(hot / 4, rel=0.01)


@pytest.mark.parametrize("classes", ["2", "[2]", "car", "['car']", [2], ["car"]])
def test_classes_in_every_form_the_seed_takes(classes):
    assert heatmap_with(classes=classes)(blank()).tracks.class_id.tolist() == [2]


def test_classes_keep_only_those_classes():
    heatmap = heatmap_with(classes="car")
    results = heatmap(blank())
    assert results.tracks.class_id.tolist() == [2]
    with pytest.raises(ValueError, match="unknown class 'bus'"):
        heatmap_with(classes=["bus"])


def test_a_resolution_change_mid_stream_scales_heat_and_regions():
    heatmap = heatmap_with(script=lambda i: boxes_at((1, (100, 20 + 10 * i))),
                           region=[(0, 120), (320, 120)])
    for _ in range(8):
        heatmap(blank(240, 320))
    for _ in range(20):
        results = heatmap(blank(480, 640))
    assert heatmap.heatmap.shape == (480, 640)
    assert heatmap.region == [(0.0, 240.0), (640.0, 240.0)]
    assert results.plot_im.shape == (480, 640, 3)


@pytest.mark.parametrize("frame", [np.zeros((240, 320), np.uint8),
                                   np.zeros((240, 320, 4), np.uint8)])
def test_grey_and_bgra_frames_are_accepted(frame):
    assert heatmap_with()(frame).plot_im.shape == (240, 320, 3)


@pytest.mark.parametrize("frame, message", [
    (None, "numpy array"), (np.zeros((0, 0, 3), np.uint8), "non-empty"),
    (np.zeros((10, 10, 3), np.float32), "uint8"), (np.zeros((10, 10, 2), np.uint8), "channels"),
])
def test_bad_frames_are_clear_errors(frame, message):
    with pytest.raises(ValueError, match=message):
        heatmap_with()(frame)


def test_a_region_with_no_part_in_the_frame_is_a_clear_error():
    with pytest.raises(ValueError, match="outside the 320x240 frame: no part of it"):
        heatmap_with(region=[(20, 400), (1080, 400)])(blank())


def test_a_line_past_the_frame_is_cut_to_it_once_with_a_warning_and_keeps_counting():
    heatmap = heatmap_with(region=[(-40, 120), (1000, 120)])
    with pytest.warns(RegionClippedWarning) as caught:
        results = last_of(heatmap, 20)
    (warning,) = caught  # once, not once per frame
    assert str(warning.message) == (
        "region 'region': (-40, 120), (1000, 120) outside the 320x240 frame; counting "
        "with the line cut to the frame: [(0, 120), (320, 120)]")
    assert warning.filename == __file__  # points at the caller's line
    assert heatmap.region == [(0.0, 120.0), (320.0, 120.0)]
    assert (results.in_count, results.out_count) == (1, 0)


def test_a_zone_past_the_frame_is_cut_to_it_and_keeps_counting():
    heatmap = heatmap_with(regions={"yard": [(50, 100), (400, 100), (400, 300), (50, 300)]})
    with pytest.warns(RegionClippedWarning, match="'yard': \\(400, 100\\), \\(400, 300\\), "
                      "\\(50, 300\\) outside"):
        results = last_of(heatmap, 12)
    assert heatmap.regions[0].points == ((50, 100), (320, 100), (320, 240), (50, 240))
    # the walker entered; the parked car was there from the start: inside, not an entry
    assert (results.regions["yard"].in_count, results.regions["yard"].inside) == (1, 2)


def test_frames_carry_the_index_the_caller_gives():
    heatmap = heatmap_with(region=[(0, 120), (320, 120)], fps=10)
    for index in range(0, 40, 2):  # every 2nd frame of a video
        results = heatmap(blank(), frame_index=index)
        assert (results.frame_index, results.time_s) == (index, index / 10)
    (event,) = heatmap.events
    assert event.time_s == event.frame / 10
    assert heatmap.frame_index == 38 and heatmap.frames_analysed == 20


def test_frames_are_numbered_from_one_by_default():
    heatmap = heatmap_with(fps=10)
    assert [heatmap(blank()).frame_index for _ in range(3)] == [1, 2, 3]
    assert heatmap(blank()).time_s == 0.4


def test_bad_parameters_are_clear_errors():
    with pytest.raises(ValueError, match="colormap"):
        heatmap_with(colormap="sunset")
    with pytest.raises(ValueError, match="either region"):
        heatmap_with(region=[(0, 1), (5, 1)], regions={"a": [(0, 1), (5, 1)]})
    with pytest.raises(ValueError, match="half-life"):
        heatmap_with(decay=0)


def test_no_log_line_per_frame(caplog):
    heatmap = heatmap_with(script=lambda i: Tracks.empty(), verbose=True)
    with caplog.at_level(logging.INFO, logger="heatmap_core"):
        for _ in range(50):
            heatmap(blank())
    assert caplog.records == []


def test_show_without_a_display_warns_instead_of_crashing(monkeypatch, caplog):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with caplog.at_level(logging.WARNING, logger="heatmap_core"):
        heatmap = heatmap_with(show=True)
        heatmap(blank())
    assert "no display" in caplog.text and heatmap.show is False


def test_events_and_series_agree_with_the_counts():
    heatmap = heatmap_with(regions={"a": [(0, 60), (320, 60)], "b": [(0, 160), (320, 160)]},
                           fps=10)
    for _ in range(25):
        heatmap(blank())
    assert [(e.region, e.direction, e.class_name) for e in heatmap.events] == [
        ("a", "IN", "person"), ("b", "IN", "person")]
    assert sum(row["in"] for row in heatmap.series.rows()) == heatmap.in_count == 2
    assert heatmap(blank()).regions["b"].in_count == 1


def test_memory_stays_bounded_over_many_short_tracks():
    def crowd(i: int) -> Tracks:  # a new person every frame, each seen for 5 frames
        return boxes_at(*[(t, (50 + (t % 7) * 30, 10 * (i - t)))
                          for t in range(max(0, i - 4), i + 1)])

    heatmap = Heatmap(model=ScriptedDetector(crowd, retire_after=3), verbose=False,
                      region=[(0, 20), (320, 20)])
    for _ in range(3000):
        heatmap(blank())
    assert heatmap.counters[0].tracked < 20
    assert len(heatmap._class_votes) < 20
    assert heatmap.tracks_seen == 3000


def test_reset_starts_over():
    heatmap = heatmap_with(region=[(0, 120), (320, 120)])
    for _ in range(20):
        heatmap(blank())
    heatmap.reset()
    assert (heatmap.in_count, heatmap.heatmap, list(heatmap.events)) == (0, None, [])
