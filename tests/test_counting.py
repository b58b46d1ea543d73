"""Counting rules, driven by scripted tracks so each rule is exact."""

from __future__ import annotations

import pytest

from heatmap_core import LineCounter, Region, ZoneCounter
from tests.helpers import Point, boxes_at, path

HORIZONTAL = Region(((0, 100), (200, 100)))
VERTICAL = Region(((100, 0), (100, 200)))
SQUARE = Region(((50, 50), (150, 50), (150, 150), (50, 150)), name="square")


def feed(counter, positions: list[Point | None], track_id: int = 1, retire: bool = True,
         size=(20, 40)) -> list:
    """One track through `positions` (None = missed by the detector), then retired."""
    events = []
    for frame, p in enumerate(positions):
        tracks = boxes_at((track_id, p), size=size) if p is not None else boxes_at()
        events += counter.update(tracks, frame, frame / 10, lambda _: "person")
    if retire:
        events += counter.update(boxes_at(retired=[track_id]), len(positions),
                                 len(positions) / 10, lambda _: "person")
    return events


def directions(events) -> list[str]:
    return [e.direction for e in events]


# -- lines: direction ------------------------------------------------------------------

@pytest.mark.parametrize("region, start, end, expected", [
    (HORIZONTAL, (100, 50), (100, 150), "IN"),    # down across a horizontal line
    (HORIZONTAL, (100, 150), (100, 50), "OUT"),   # up
    (VERTICAL, (50, 100), (150, 100), "IN"),      # right across a vertical line
    (VERTICAL, (150, 100), (50, 100), "OUT"),     # left
    # the point order of the line does not change the seed's rule
    (Region(((200, 100), (0, 100))), (100, 50), (100, 150), "IN"),
    (Region(((100, 200), (100, 0))), (50, 100), (150, 100), "IN"),
])
def test_line_direction_follows_the_seed(region, start, end, expected):
    assert directions(feed(LineCounter(region), path(start, end))) == [expected]


def test_any_angle_counts_by_side_of_the_line():
    diagonal = Region(((0, 0), (200, 160)))  # wider than tall: "down" side is IN
    assert directions(feed(LineCounter(diagonal), path((150, 40), (50, 140)))) == ["IN"]
    assert directions(feed(LineCounter(diagonal), path((50, 140), (150, 40)))) == ["OUT"]


@pytest.mark.parametrize("in_direction, expected", [("up", "IN"), ("down", "OUT")])
def test_a_line_can_choose_which_side_is_in(in_direction, expected):
    region = Region(((0, 100), (200, 100)), in_direction=in_direction)
    assert directions(feed(LineCounter(region), path((100, 150), (100, 50)))) == [expected]


def test_in_direction_along_the_line_is_rejected():
    with pytest.raises(ValueError, match="choose an IN direction that crosses it"):
        Region(((0, 100), (200, 100)), in_direction="left")


# -- lines: every real crossing, no noise -------------------------------------------------

def test_down_and_back_up_is_one_in_and_one_out():
    events = feed(LineCounter(HORIZONTAL), path((100, 40), (100, 160), (100, 40)))
    assert directions(events) == ["IN", "OUT"]


def test_crossing_three_times_counts_three_times():
    events = feed(LineCounter(HORIZONTAL), path((100, 40), (100, 160), (100, 40), (100, 160)))
    assert directions(events) == ["IN", "OUT", "IN"]


def test_jitter_around_the_line_never_counts():
    # The centre wobbles +-6 px around y=100 for 30 frames. The box is 20x40, so the
    # dead band is +-4.2 px: wobbles leave it, but never for two frames in a row.
    wobble = [(100, 100 + d) for d in [6, -6, 3, -6, 6, -3] * 5]
    events = feed(LineCounter(HORIZONTAL), [(100, 60), *wobble, (100, 60)])
    assert events == []


def test_jitter_then_a_real_crossing_counts_once():
    wobble = [(100, 100 + d) for d in [6, -6, 3, -6] * 3]
    events = feed(LineCounter(HORIZONTAL), [(100, 60), *wobble, *path((100, 104), (100, 160))])
    assert directions(events) == ["IN"]


def test_a_one_frame_flicker_across_the_line_does_not_count():
    positions = [(100, 60), (100, 70), (100, 140), (100, 70), (100, 60)]
    assert feed(LineCounter(HORIZONTAL), positions) == []


def test_a_track_missed_while_crossing_still_counts_once():
    positions = [(100, 60), (100, 75), (100, 90), None, None, None, (100, 130), (100, 140)]
    assert directions(feed(LineCounter(HORIZONTAL), positions)) == ["IN"]


def test_a_track_that_leaves_right_after_crossing_counts_when_retired():
    positions = [(100, 60), (100, 80), (100, 130)]  # one frame past the line, then gone
    counter = LineCounter(HORIZONTAL)
    assert feed(counter, positions, retire=False) == []
    assert directions(feed(counter, [], retire=True)) == ["IN"]


def test_the_event_time_is_when_the_line_was_crossed():
    events = feed(LineCounter(HORIZONTAL), [(100, 60), (100, 80), (100, 120), (100, 140)])
    assert (events[0].frame, events[0].time_s) == (2, 0.2)


def test_a_track_first_seen_on_the_line_is_not_counted():
    jitter_then_walk = [(100, 100), (100, 101), *path((100, 110), (100, 160))]
    assert feed(LineCounter(HORIZONTAL), jitter_then_walk) == []


def test_a_centre_passing_beyond_the_end_of_the_line_does_not_count():
    short = Region(((0, 100), (80, 100)))
    # The box (20 px wide) overhangs the line's end at x=80, its centre passes at x=85.
    assert feed(LineCounter(short), path((85, 40), (85, 160))) == []
    # Its centre passing at x=75, just inside the end, counts.
    assert directions(feed(LineCounter(short), path((75, 40), (75, 160)))) == ["IN"]


def test_counts_are_kept_per_class_with_the_majority_class_of_the_track():
    counter = LineCounter(HORIZONTAL)
    counter.update(boxes_at((1, (100, 60))), 0, 0.0, lambda _: "car")
    counter.update(boxes_at((1, (100, 130))), 1, 0.1, lambda _: "car")
    counter.update(boxes_at((1, (100, 140))), 2, 0.2, lambda _: "car")
    counter.update(boxes_at((2, (50, 140))), 3, 0.3, lambda _: "person")
    counter.update(boxes_at((2, (50, 70))), 4, 0.4, lambda _: "person")
    counter.update(boxes_at((2, (50, 60))), 5, 0.5, lambda _: "person")
    assert counter.snapshot().classwise_count == {"car": {"IN": 1, "OUT": 0},
                                                  "person": {"IN": 0, "OUT": 1}}


def test_many_tracks_at_once_count_independently():
    counter = LineCounter(HORIZONTAL)
    for frame, y in enumerate(range(60, 150, 10)):
        tracks = boxes_at((1, (30, y)), (2, (90, 200 - y)), (3, (150, y)))
        counter.update(tracks, frame, frame / 10, lambda _: "person")
    assert (counter.in_count, counter.out_count) == (2, 1)


def test_state_is_dropped_when_the_tracker_retires_a_track():
    counter = LineCounter(HORIZONTAL)
    for track_id in range(1, 1001):
        feed(counter, [(100, 60), (100, 70)], track_id=track_id, retire=True)
    assert counter.tracked == 0


# -- zones: IN is entering, OUT is leaving ------------------------------------------------

def frames_and_directions(events) -> list[tuple[int, str]]:
    return [(e.frame, e.direction) for e in events]


@pytest.mark.parametrize("start, end", [
    ((100, 0), (100, 200)),   # down
    ((100, 200), (100, 0)),   # up
    ((0, 100), (200, 100)),   # right
    ((200, 100), (0, 100)),   # left
])
def test_passing_through_a_zone_is_an_entry_then_an_exit_whichever_the_way(start, end):
    # 10 px a frame; the 20x40 box's dead band is 4.2 px: the centre is inside from
    # 60 px into the path (frame 6) and outside from 160 px (frame 16).
    events = feed(ZoneCounter(SQUARE), path(start, end, steps=20))
    assert frames_and_directions(events) == [(6, "IN"), (16, "OUT")]
    assert [e.time_s for e in events] == [0.6, 1.6]


def test_a_zone_ignores_in_direction():
    pointing_up = Region(SQUARE.points, "square", in_direction="up")
    for zone in (SQUARE, pointing_up):
        assert directions(feed(ZoneCounter(zone), path((100, 0), (100, 200), steps=20))) \
            == ["IN", "OUT"]


def test_a_tall_zone_counts_the_same_way():
    tall = Region(((50, 0), (100, 0), (100, 200), (50, 200)), name="tall")
    assert directions(feed(ZoneCounter(tall), path((0, 100), (150, 100), steps=15))) \
        == ["IN", "OUT"]


def test_enter_leave_and_reenter():
    counter = ZoneCounter(SQUARE)
    events = feed(counter, path((100, 0), (100, 100), (100, 0), (100, 100), steps=10),
                  retire=False)
    assert directions(events) == ["IN", "OUT", "IN"]
    assert (counter.in_count, counter.out_count, counter.inside) == (2, 1, 1)
    assert len(counter.dwells) == 1


def test_zone_reports_inside_now_and_dwell():
    counter = ZoneCounter(SQUARE)
    positions = path((100, 0), (100, 100), steps=10) + [(100, 100)] * 20 \
        + path((100, 100), (100, 200), steps=10)[1:]
    for frame, p in enumerate(positions):
        counter.update(boxes_at((1, p)), frame, frame / 10, lambda _: "person")
        if frame == 20:
            assert counter.inside == 1
    assert counter.inside == 0
    assert (counter.in_count, counter.out_count) == (1, 1)
    (visit,) = counter.dwells
    assert visit.seconds == pytest.approx(3.0, abs=0.25)
    assert counter.snapshot().mean_dwell_s == pytest.approx(visit.seconds)


def test_a_track_retired_inside_has_left_when_it_was_last_seen():
    counter = ZoneCounter(SQUARE)
    positions = path((100, 0), (100, 100), steps=10)  # inside from frame 6, last seen at 10
    events = feed(counter, positions, retire=False)
    assert frames_and_directions(events) == [(6, "IN")]
    events = counter.update(boxes_at(retired=[1]), 40, 4.0, lambda _: "person")
    assert frames_and_directions(events) == [(10, "OUT")] and events[0].time_s == 1.0
    assert counter.inside == 0
    (visit,) = counter.dwells
    assert (visit.enter_s, visit.exit_s) == (0.6, 1.0)


def test_a_track_first_seen_inside_is_inside_but_neither_enters_nor_leaves():
    counter = ZoneCounter(SQUARE)
    events = feed(counter, [(100, 100)] * 5, retire=False)
    assert events == [] and counter.inside == 1
    events = feed(counter, path((100, 100), (100, 200), steps=10), retire=True)
    assert events == [] and counter.inside == 0
    assert (counter.in_count, counter.out_count) == (0, 0)
    (visit,) = counter.dwells  # its time inside still counts
    assert visit.seconds > 0


def test_in_minus_out_is_the_counted_entrants_still_inside():
    counter = ZoneCounter(SQUARE)
    frames = zip(path((100, 0), (100, 100), steps=10),       # 1 enters and stays
                 path((120, 100), (120, 200), steps=10),     # 2 starts inside, leaves
                 path((80, 200), (80, 100), steps=10), strict=True)       # 3 enters and stays
    for frame, (a, b, c) in enumerate(frames):
        counter.update(boxes_at((1, a), (2, b), (3, c)), frame, frame / 10,
                       lambda _: "person")
    assert (counter.in_count, counter.out_count, counter.inside) == (2, 0, 2)


def test_jitter_on_the_edge_never_counts_a_second_entry():
    # In, then the centre wobbles +-6 px around the bottom edge (y=150) for 30 frames:
    # the dead band is +-4.2 px, and no side holds for two frames in a row.
    wobble = [(100, 150 + d) for d in [-6, 6, -3, 6, -6, 3] * 5]
    counter = ZoneCounter(SQUARE)
    events = feed(counter, [*path((100, 0), (100, 140), steps=14), *wobble, (100, 140)],
                  retire=False)
    assert directions(events) == ["IN"] and counter.inside == 1
    events = feed(counter, [*wobble, *path((100, 150), (100, 200), steps=5)], retire=False)
    assert directions(events) == ["OUT"] and counter.inside == 0


def test_an_object_jumping_over_a_thin_zone_between_frames_enters_and_leaves():
    thin = Region(((0, 95), (200, 95), (200, 105), (0, 105)), name="thin")
    counter = ZoneCounter(thin)
    events = feed(counter, [(100, 40), (100, 70), (100, 130), (100, 160)])
    assert frames_and_directions(events) == [(2, "IN"), (2, "OUT")]
    assert counter.inside == 0 and not counter.dwells
