"""The rules behind bench/accuracy.py: true crossings, event matching, ID switches; the
NanoDet adapter and the Ultralytics box tracker on real footage."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from heatmap_core import CountEvent, Heatmap, Region, ScriptedDetector, Tracks
from heatmap_core.evaluation import (
    TrueEvent,
    count_id_switches,
    match_events,
    read_mot,
    tracks_on_truth,
    true_line_events,
)
from heatmap_core.tracking import UltralyticsTracker
from tests.conftest import REPO

TRUTH = Path(os.environ.get("HEATMAP_SAMPLE_TRUTH",
                            REPO.parent / "shared" / "media" / "vtest-gt.txt"))
NANODET = Path(os.environ.get("HEATMAP_NANODET",
                              REPO.parent / "shared" / "models" / "nanodet-coco-416.onnx"))
# Lines across the paths people take in vtest.mp4, as in bench/accuracy.py.
VTEST_LINES = {
    "left": Region(((120, 90), (120, 220)), "left"),
    "centre": Region(((230, 80), (230, 250)), "centre"),
    "right": Region(((400, 70), (400, 270)), "right"),
    "corner": Region(((330, 150), (480, 150)), "corner"),
}


@pytest.fixture(scope="module")
def truth() -> dict[int, Tracks]:
    if not TRUTH.exists():
        pytest.skip(f"vtest ground truth not found at {TRUTH}: set HEATMAP_SAMPLE_TRUTH "
                    "to the path of vtest-gt.txt")
    return read_mot(TRUTH)


def _walk(xs: list[float], y: float = 100.0, track_id: int = 1) -> dict[int, Tracks]:
    return {i + 1: Tracks(np.array([[x - 10, y - 20, x + 10, y + 20]], np.float32),
                          np.array([track_id]), np.zeros(1, np.int64), np.ones(1, np.float32))
            for i, x in enumerate(xs)}


def test_a_centre_crossing_a_vertical_line_rightwards_is_one_in_at_the_first_frame_past_it():
    line = Region(((50, 0), (50, 200)), "door")  # taller than wide: moving right is IN
    events = true_line_events(_walk([30, 40, 48, 55, 70, 90]), line)
    assert events == [TrueEvent(4, 1, "IN", "door")]
    back = true_line_events(_walk([90, 70, 55, 48, 40]), line)
    assert back == [TrueEvent(4, 1, "OUT", "door")]


def test_a_crossing_beyond_the_line_ends_is_none():
    line = Region(((50, 0), (50, 80)), "door")
    assert true_line_events(_walk([30, 70], y=120), line) == []


def test_an_excursion_within_the_margin_is_no_crossing_but_a_strict_count_sees_two():
    line = Region(((50, 0), (50, 200)), "door")
    wiggle = _walk([30, 40, 46, 53, 46, 40, 30])  # 3 px past the line and back; size 28
    assert [e.direction for e in true_line_events(wiggle, line)] == ["IN", "OUT"]
    assert true_line_events(wiggle, line, margin=0.15) == []
    assert len(true_line_events(_walk([30, 46, 53, 60, 70]), line, margin=0.15)) == 1


def test_events_match_once_each_in_the_same_direction_within_the_window():
    true = [TrueEvent(10, 1, "IN", "a"), TrueEvent(12, 2, "IN", "a"),
            TrueEvent(30, 3, "OUT", "a")]
    counted = [CountEvent(11, 1.1, 7, "person", "IN", "a"),  # one of the first two
               CountEvent(31, 3.1, 8, "person", "IN", "a"),  # wrong direction
               CountEvent(60, 6.0, 9, "person", "OUT", "a")]  # too late
    score = match_events(true, counted, window=5)
    assert (score.true, score.counted, score.matched) == (3, 3, 1)
    assert score.recall == pytest.approx(1 / 3) and score.precision == pytest.approx(1 / 3)
    assert match_events(true, [CountEvent(11, 1.1, 7, "person", "IN", "b")], 5).matched == 0


def test_an_id_switch_is_a_person_taken_over_by_another_track():
    truth = _walk([10, 20, 30, 40])
    same = [(f, Tracks(t.xyxy, np.array([5]), t.class_id, t.confidence))
            for f, t in truth.items()]
    assert count_id_switches(truth, same) == 0
    switched = [(f, Tracks(t.xyxy, np.array([5 if f < 3 else 6]), t.class_id, t.confidence))
                for f, t in truth.items()]
    assert count_id_switches(truth, switched) == 1
    far = [(f, Tracks(t.xyxy + 100, np.array([f]), t.class_id, t.confidence))
           for f, t in truth.items()]
    assert count_id_switches(truth, far) == 0  # never matched: misses, not switches
    assert tracks_on_truth(truth, switched) == {5, 6}
    assert tracks_on_truth(truth, far) == set()


def test_ground_truth_tracks_replayed_through_the_product_give_exactly_the_true_events(truth):
    heatmap = Heatmap(model=ScriptedDetector(lambda i: truth.get(i + 1, Tracks.empty()),
                                             {0: "person"}),
                      regions=VTEST_LINES, fps=10, verbose=False)
    frame = np.zeros((360, 480, 3), np.uint8)
    for index in range(1, max(truth) + 1):
        heatmap(frame, (index - 1) / 10, frame_index=index)
    counted = sorted((e.region, e.frame, e.track_id, e.direction) for e in heatmap.events)
    expected = sorted((e.region, e.frame, e.track_id, e.direction)
                      for region in VTEST_LINES.values()
                      for e in true_line_events(truth, region, margin=0.15))
    assert len(expected) == 88  # the clip's crossings beyond the counters' hysteresis
    assert counted == expected


def test_the_ultralytics_tracker_keeps_one_id_for_a_walking_box_and_retires_it():
    tracker = UltralyticsTracker("bytetrack.yaml")
    ids = set()
    for step in range(12):
        box = np.array([[10 + 5 * step, 50, 40 + 5 * step, 110]], np.float32)
        ids.update(tracker.update(box, np.array([0.9]), 0).track_id.tolist())
    assert len(ids) == 1
    retired: set[int] = set()
    for _ in range(40):
        tracks = tracker.update(np.zeros((0, 4)), np.zeros(0), 0)
        retired.update(tracks.retired_ids)
    assert retired == ids


def test_nanodet_finds_the_people_of_the_first_vtest_frame(truth, vtest):
    if not NANODET.exists():
        pytest.skip(f"NanoDet weights not found at {NANODET}: set HEATMAP_NANODET to the "
                    "path of nanodet-coco-416.onnx")
    from heatmap_core.detectors.nanodet import NanoDetDetector

    capture = cv2.VideoCapture(str(vtest))
    ok, frame = capture.read()
    capture.release()
    assert ok
    detector = NanoDetDetector(NANODET)
    assert detector.names[0] == "person" and detector.names[2] == "car"
    tracks = detector.update(frame, 0.0)
    people = tracks[tracks.class_id == 0]
    for box in truth[1].xyxy:  # every annotated person, boxed
        tl = np.maximum(box[:2], people.xyxy[:, :2])
        br = np.minimum(box[2:], people.xyxy[:, 2:])
        inter = np.prod(np.clip(br - tl, 0, None), axis=1)
        union = (np.prod(box[2:] - box[:2]) + np.prod(people.xyxy[:, 2:] - people.xyxy[:, :2],
                                                      axis=1) - inter)
        assert (inter / union).max() >= 0.5


def test_nanodet_without_its_weights_says_which_file_to_pass(tmp_path):
    from heatmap_core import ModelLoadError
    from heatmap_core.detectors.nanodet import NanoDetDetector

    with pytest.raises(ModelLoadError, match=r"no NanoDet weights at .*missing\.onnx: pass "
                                             r"the path of nanodet-coco-416\.onnx"):
        NanoDetDetector(tmp_path / "missing.onnx")
