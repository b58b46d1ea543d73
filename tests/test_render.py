"""Drawing the overlay: where labels go (`layout_labels`, exact) and what `draw_frame`
paints with boxes close together (labels disjoint, inside the frame, counts readable)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from heatmap_core import Region, RegionCounts, Tracks
from heatmap_core.render import (
    MAX_SHIFT,
    PALETTE,
    PANEL_BG,
    REGION_COLOR,
    DrawOptions,
    Rect,
    draw_frame,
    layout_labels,
)

FRAME = (480, 360)  # width, height
SIZE = (60, 12)     # a label's width, height


# -- layout_labels: the rules, one case each ----------------------------------------------

@pytest.mark.parametrize("box, expected", [
    ((100, 100, 140, 200), Rect(100, 88, 160, 100)),   # above the box, at its left edge
    ((100, 5, 140, 100), Rect(100, 0, 160, 12)),       # no room above: moved into the frame
    ((450, 100, 479, 200), Rect(420, 88, 480, 100)),   # at the right edge: kept inside
    ((-20, 100, 30, 200), Rect(0, 88, 60, 100)),       # past the left edge: kept inside
])
def test_a_lone_label_sits_above_its_box_inside_the_frame(box, expected):
    assert layout_labels([box], [SIZE], FRAME) == [expected]


def test_a_label_blocked_above_goes_inside_the_box_top():
    taken = [Rect(90, 80, 200, 100)]
    assert layout_labels([(100, 100, 140, 200)], [SIZE], FRAME, taken) == [
        Rect(100, 100, 160, 112)]


def test_the_lower_of_two_overlapping_boxes_takes_the_next_free_place():
    upper, lower = (100, 100, 140, 200), (110, 104, 150, 204)
    # served top to bottom, whatever the order given; results come back in that order
    got = layout_labels([lower, upper], [SIZE, SIZE], FRAME)
    assert got[1] == Rect(100, 88, 160, 100)  # the upper box: above
    assert got[0] == Rect(110, 104, 170, 116)  # the lower box: inside its top


def test_a_label_with_no_free_place_near_its_box_is_left_out():
    box = (100, 100, 140, 200)
    wall = [Rect(0, 0, FRAME[0], FRAME[1])]
    assert layout_labels([box], [SIZE], FRAME, wall) == [None]
    assert layout_labels([box], [(FRAME[0] + 1, 12)], FRAME) == [None]  # wider than frame


def test_a_label_moves_at_most_max_shift_heights_away():
    box = (100, 100, 140, 200)
    h = SIZE[1]
    near = Rect(0, 100 - h * (MAX_SHIFT + 1), FRAME[0], 200 + h * (MAX_SHIFT + 1))
    assert layout_labels([box], [SIZE], FRAME, [near]) == [None]
    one_free = Rect(0, 100 - h * MAX_SHIFT, FRAME[0], 200 + h * (MAX_SHIFT + 1))
    assert layout_labels([box], [SIZE], FRAME, [one_free]) == [
        Rect(100, 100 - h * (MAX_SHIFT + 1), 160, 100 - h * MAX_SHIFT)]


def test_mismatched_boxes_and_sizes_are_refused():
    with pytest.raises(ValueError, match="2 boxes and 1 sizes"):
        layout_labels([(0, 0, 1, 1), (0, 0, 1, 1)], [SIZE], FRAME)


# -- draw_frame: the actual drawing --------------------------------------------------------

def crowd(rows: int, cols: int, step: int, origin=(40, 150), size=(36, 70)) -> Tracks:
    """People standing close together: boxes `step` px apart, overlapping when the step
    is smaller than the box."""
    xyxy = [(origin[0] + c * step, origin[1] + r * step // 2,
             origin[0] + c * step + size[0], origin[1] + r * step // 2 + size[1])
            for r in range(rows) for c in range(cols)]
    n = len(xyxy)
    return Tracks(np.array(xyxy, np.float32), np.arange(1, n + 1), np.arange(n) % 3,
                  np.full(n, 0.87, np.float32))


LINE = Region(((0, 170), (480, 170)), name="door")
ZONE = Region(((30, 140), (300, 140), (300, 300), (30, 300)), name="queue")
COUNTS = [RegionCounts("door", "line", 5, 3), RegionCounts("queue", "zone", 2, 1, inside=7)]
CLASSWISE = {"person": {"IN": 5, "OUT": 3}, "bicycle": {"IN": 2, "OUT": 1}}
NAMES = {0: "person", 1: "bicycle", 2: "car"}


DEFAULT = DrawOptions()


def draw(tracks: Tracks, shape=(360, 480), options=DEFAULT):
    image = np.zeros((*shape, 3), np.uint8)
    labels = draw_frame(image, tracks, NAMES, [LINE, ZONE], COUNTS, CLASSWISE, options)
    return image, labels


@pytest.mark.parametrize("rows, cols, step", [(1, 8, 30), (2, 6, 40), (3, 5, 25)])
def test_drawn_labels_never_overlap_and_stay_inside_the_frame(rows, cols, step):
    tracks = crowd(rows, cols, step)
    image, labels = draw(tracks)
    height, width = image.shape[:2]
    for a, b in itertools.combinations(labels, 2):
        assert not a.rect.intersects(b.rect), (a, b)
    assert all(label.rect.inside(width, height) for label in labels)
    # each label's background is painted where the layout put it, after every line
    texts = [lb.text for lb in labels]
    for label in labels:
        if label.text.startswith(("door", "queue")):
            bg = REGION_COLOR
        elif label.text.split()[0] in ("Person", "Bicycle"):
            bg = PANEL_BG
        else:
            track = int(label.text.split()[0])
            bg = PALETTE[int(tracks.class_id[track - 1]) % len(PALETTE)]
        r = label.rect
        assert tuple(image[r.y0, r.x0]) == bg, label
        assert tuple(image[r.y1 - 1, r.x1 - 1]) == bg, label
    # the counts are all there, whatever the crowd
    assert "door  IN 5  OUT 3" in texts and "queue  IN 2  OUT 1  inside 7" in texts
    assert "Person IN 5 OUT 3" in texts and "Bicycle IN 2 OUT 1" in texts


def test_boxes_side_by_side_all_keep_their_labels():
    tracks = crowd(1, 6, 40)  # 36 px boxes 40 px apart: each label is wider than a box
    _, labels = draw(tracks)
    assert {lb.text for lb in labels} >= {f"{i} {NAMES[(i - 1) % 3]} 0.87" for i in range(1, 7)}


def test_labels_follow_the_options():
    tracks = crowd(1, 3, 60)
    _, labels = draw(tracks, options=DrawOptions(show_conf=False, show_out=False))
    texts = {lb.text for lb in labels}
    assert {"1 person", "2 bicycle", "3 car", "door  IN 5", "Person IN 5"} <= texts
    _, labels = draw(tracks, options=DrawOptions(show_labels=False))
    assert not any(lb.text[0].isdigit() for lb in labels)
    _, labels = draw(tracks, options=DrawOptions(show_boxes=False))
    assert not any(lb.text[0].isdigit() for lb in labels)


def test_a_tiny_frame_draws_without_error():
    _, labels = draw(crowd(1, 3, 10, origin=(2, 2), size=(8, 8)), shape=(24, 32))
    assert all(lb.rect.inside(32, 24) for lb in labels)
    for a, b in itertools.combinations(labels, 2):
        assert not a.rect.intersects(b.rect)
