"""Regions: every form a user types, and a clear message for each malformed one."""

from __future__ import annotations

import numpy as np
import pytest

from heatmap_core import Region, parse_points, parse_regions


@pytest.mark.parametrize("value", [
    "[(20, 400), (1080, 400)]",
    "[[20, 400], [1080, 400]]",
    "20,400 1080,400",
    "(20, 400), (1080, 400)",
    [(20, 400), (1080, 400)],
    [[20, 400], [1080, 400]],
])
def test_a_line_in_every_form(value):
    assert parse_points(value) == ((20.0, 400.0), (1080.0, 400.0))


def test_a_rectangle_and_a_polygon_are_zones():
    assert Region(parse_points("[(20, 400), (1080, 400), (1080, 360), (20, 360)]")).kind == "zone"
    assert Region(((0, 0), (50, 10), (60, 60), (10, 50), (5, 20))).kind == "zone"
    assert Region(((0, 0), (50, 10))).kind == "line"


@pytest.mark.parametrize("value, message", [
    ("[(20, 400)]", "at least 2 points"),
    ("[]", "region must be a list"),
    ("[(20, 400), (20, 400)]", "two different points"),
    ("[(20, 400, 5), (1, 2, 3)]", "list of \\(x, y\\) points"),
    ("[(20, 'a'), (1, 2)]", "numbers"),
    ("20,400 1080", "odd number"),
    ("hello", "cannot read region"),
    ([(0, float("nan")), (1, 2)], "finite"),
])
def test_malformed_regions_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        parse_points(value)


def test_a_self_intersecting_zone_is_rejected():
    bow_tie = ((0, 0), (100, 100), (100, 0), (0, 100))
    with pytest.raises(ValueError, match="crosses itself"):
        Region(bow_tie)


def test_a_zone_with_no_area_is_rejected():
    with pytest.raises(ValueError, match="no area"):
        Region(((0, 0), (50, 50), (100, 100)))


def test_points_outside_the_frame_are_named():
    region = Region(((20, 300), (1080, 300)))
    region.check_fits(1920, 1080)
    with pytest.raises(ValueError, match=r"\(1080, 300\) is outside the 480x360 frame"):
        region.check_fits(480, 360)


@pytest.mark.parametrize("points, clipped", [
    # the seed's own examples on a 480x360 video
    ([(10, 200), (540, 200)], ((10, 200), (480, 200))),
    ([(320, 0), (320, 400)], ((320, 0), (320, 360))),
    ([(10, 200), (540, 200), (540, 180), (10, 180)],
     ((10, 200), (480, 200), (480, 180), (10, 180))),
    # a diagonal through two sides, and a triangle with a corner past the frame
    ([(-100, -100), (600, 500)], ((50 / 3, 0), (1310 / 3, 360))),
    ([(0, 0), (600, 100), (600, 50)], ((0, 0), (480, 80), (480, 40))),
])
def test_a_region_past_the_frame_is_cut_to_it(points, clipped):
    cut = Region(points, "r").clipped(480, 360)
    assert np.array(cut.points) == pytest.approx(np.array(clipped))
    assert (cut.name, cut.kind) == ("r", Region(points).kind)


def test_a_cut_line_keeps_its_in_side():
    line = Region(((-200, 0), (600, 300)))
    assert np.array(line.clipped(480, 360).in_normal) == pytest.approx(np.array(line.in_normal))


def test_a_region_inside_the_frame_is_not_cut():
    region = Region(((0, 0), (480, 360)))
    assert region.clipped(480, 360) is region


@pytest.mark.parametrize("points", [
    [(20, 400), (1080, 400)],                   # the seed's docs line, below a 480x360 frame
    [(500, 0), (600, 0), (600, 100)],           # a zone right of it
    [(-10, -10), (0.5, -10), (0.5, 0.5)],       # no area inside
    [(480.2, 0), (480.2, 360)],                 # along its edge, just outside
])
def test_a_region_with_no_part_in_the_frame_cannot_be_cut(points):
    with pytest.raises(ValueError, match="outside the 480x360 frame: no part of it is inside"):
        Region(points).clipped(480, 360)


def test_several_named_regions():
    regions = parse_regions({"door": "[(0, 10), (100, 10)]", "till": [(0, 0), (9, 0), (9, 9)]})
    assert [(r.name, r.kind) for r in regions] == [("door", "line"), ("till", "zone")]


def test_region_names_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        parse_regions([Region(((0, 0), (1, 1)), "a"), Region(((0, 5), (1, 5)), "a")])


def test_a_region_round_trips_through_a_dict():
    region = Region(((0, 0), (10, 0), (10, 10)), "zone", "up")
    assert Region.from_dict(region.to_dict()) == region
