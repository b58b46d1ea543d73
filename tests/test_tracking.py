"""BoxTracker: stable ids, no ids for flickers, retirement after a gap."""

from __future__ import annotations

import numpy as np

from heatmap_core.tracking import BoxTracker


def box(x: float, y: float = 50.0) -> np.ndarray:
    return np.array([[x - 10, y - 20, x + 10, y + 20]], float)


def step(tracker: BoxTracker, boxes: np.ndarray):
    return tracker.update(boxes, np.ones(len(boxes)))


def test_a_moving_box_keeps_one_id():
    tracker = BoxTracker()
    ids = [step(tracker, box(20 + 8 * i)).track_id.tolist() for i in range(10)]
    assert ids[0] == [] and all(i == [1] for i in ids[1:])  # confirmed on the 2nd hit


def test_a_single_frame_detection_never_gets_an_id():
    tracker = BoxTracker()
    step(tracker, box(50))
    assert len(step(tracker, np.zeros((0, 4)))) == 0
    assert len(step(tracker, box(200))) == 0


def test_a_gap_shorter_than_max_missing_keeps_the_id():
    tracker = BoxTracker(max_missing=5)
    for i in range(5):
        step(tracker, box(20 + 8 * i))
    for _ in range(4):
        step(tracker, np.zeros((0, 4)))
    assert step(tracker, box(20 + 8 * 9)).track_id.tolist() == [1]


def test_a_track_is_retired_once_after_max_missing():
    tracker = BoxTracker(max_missing=3)
    for i in range(4):
        step(tracker, box(20 + 8 * i))
    retired = [step(tracker, np.zeros((0, 4))).retired_ids for _ in range(6)]
    assert retired == [(), (), (), (1,), (), ()]


def test_two_crossing_lanes_keep_their_ids():
    tracker = BoxTracker()
    for i in range(12):
        boxes = np.concatenate([box(20 + 10 * i, 50), box(200 - 10 * i, 150)])
        tracks = step(tracker, boxes)
    by_y = dict(zip(tracks.centers[:, 1].round().tolist(), tracks.track_id.tolist(),
                    strict=True))
    assert by_y == {50.0: 1, 150.0: 2}
