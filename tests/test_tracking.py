"""BoxTracker: stable ids, no ids for flickers, retirement after a gap; with looks, ties
broken by appearance, lost tracks re-linked, ids kept through a merge."""

from __future__ import annotations

import numpy as np
import pytest

from heatmap_core.appearance import DESCRIPTOR_SIZE
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


# -- with appearance descriptors ----------------------------------------------------

def looks(*hot: int) -> np.ndarray:
    """Descriptors, one row per box: all of its colour in bin `hot`."""
    rows = np.zeros((len(hot), DESCRIPTOR_SIZE), np.float32)
    rows[np.arange(len(hot)), hot] = 1.0
    return rows


RED, BLUE = 0, 5


def step_looking(tracker: BoxTracker, boxes: np.ndarray, features: np.ndarray):
    return tracker.update(boxes, np.ones(len(boxes)), features=features)


@pytest.mark.parametrize("red_above", [True, False])
def test_when_boxes_alone_cannot_tell_two_tracks_apart_their_looks_do(red_above):
    # Red at x=100 and blue at x=140 stand still, then both reappear at x=120, one
    # above the other: as far from either track, so only their colours say who is who.
    tracker = BoxTracker()
    for _ in range(3):
        tracks = step_looking(tracker, np.concatenate([box(100), box(140)]), looks(RED, BLUE))
    assert tracks.track_id.tolist() == [1, 2]  # red is 1
    moved = np.concatenate([box(120, 38), box(120, 62)])
    colours = looks(RED, BLUE) if red_above else looks(BLUE, RED)
    tracks = step_looking(tracker, moved, colours)
    by_y = dict(zip(tracks.centers[:, 1].round().tolist(), tracks.track_id.tolist(),
                    strict=True))
    assert by_y == ({38.0: 1, 62.0: 2} if red_above else {38.0: 2, 62.0: 1})


@pytest.mark.parametrize(("colour", "same_id"), [(RED, True), (BLUE, False)])
def test_a_lost_track_is_relinked_only_to_one_that_looks_alike(colour, same_id):
    # Red walks right at 8 px a frame, is lost for 8 frames (behind something), and
    # something appears 50 px past where red was heading: too far for its box (40 px
    # tall) to match, near enough for a re-link after a gap, when it looks alike.
    tracker = BoxTracker(min_hits=2)
    for i in range(5):
        step_looking(tracker, box(20 + 8 * i), looks(RED))
    for _ in range(8):
        step_looking(tracker, np.zeros((0, 4)), looks())
    x = 20 + 8 * 13 + 50
    ids = [step_looking(tracker, box(x + 8 * i), looks(colour)).track_id.tolist()
           for i in range(2)]
    assert ids == [[], [1] if same_id else [2]]


def test_two_tracks_in_one_blob_keep_their_ids_and_are_both_reported():
    tracker = BoxTracker()
    for i in range(4):  # side by side, walking down
        tracks = step_looking(tracker, np.concatenate([box(100, 50 + 5 * i),
                                                       box(124, 50 + 5 * i)]),
                              looks(RED, BLUE))
    assert tracks.track_id.tolist() == [1, 2]
    for i in range(4, 9):  # one blob around both
        blob = np.array([[90.0, 30 + 5 * i, 134, 70 + 5 * i]])
        tracks = step_looking(tracker, blob, looks(RED))
        assert sorted(tracks.track_id.tolist()) == [1, 2]
        centres = dict(zip(tracks.track_id.tolist(), tracks.centers[:, 0].tolist(),
                           strict=True))
        assert centres[1] < centres[2]  # each where it was, inside the blob
    tracks = step_looking(tracker, np.concatenate([box(100, 95), box(124, 95)]),
                          looks(RED, BLUE))
    assert tracks.track_id.tolist() == [1, 2]
