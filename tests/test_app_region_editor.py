"""Reading the typed region: every mistake becomes a message that says what to change."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.regions.editor import (
    add_point,
    clicked_pixel,
    default_points,
    draw_region,
    format_points,
    read_region,
)


def test_the_default_region_is_a_line_across_the_middle_of_the_frame() -> None:
    assert default_points(480, 360) == "[(0, 180), (480, 180)]"
    assert read_region(default_points(480, 360), "auto", 480, 360).region.kind == "line"


def test_points_are_formatted_the_way_users_type_them() -> None:
    assert format_points([(0, 200), (480.5, 200)]) == "[(0, 200), (480.5, 200)]"


@pytest.mark.parametrize("text", ["[(0, 200), (480, 200)]", "0,200 480,200",
                                  "[[0, 200], [480, 200]]"])
def test_a_line_can_be_typed_in_several_ways(text: str) -> None:
    result = read_region(text, "auto", 480, 360)
    assert result.error is None
    assert result.region.points == ((0, 200), (480, 200))


def test_three_points_make_a_zone_with_the_chosen_in_direction() -> None:
    region = read_region("[(10, 10), (200, 10), (100, 150)]", "left", 480, 360).region
    assert (region.kind, region.in_direction) == ("zone", "left")


@pytest.mark.parametrize(("text", "says", "fix"), [
    ("[(0, 200), (480", "not valid", "Write points like [(0, 180), (480, 180)]."),
    ("hello", "not valid", "Write points like [(0, 180), (480, 180)]."),
    ("[(0, 200), (0, 200)]", "two different points", "Write points like"),
    ("[(0, 0), (100, 100), (200, 200)]", "no area", "Move or retype the points"),
])
def test_a_malformed_region_is_an_error_that_says_how_to_fix_it(text: str, says: str,
                                                                fix: str) -> None:
    result = read_region(text, "auto", 480, 360)
    assert result.region is None and not result.ready
    assert says in result.error and fix in result.error


@pytest.mark.parametrize(("shape", "hint"), [
    ("Line", "Click a second point to finish the line."),
    ("Zone", "Click two more points to make a zone."),
])
def test_one_point_is_unfinished_and_cannot_be_run(shape: str, hint: str) -> None:
    result = read_region("[(10, 20)]", "auto", 480, 360, shape)
    assert (result.region, result.error, result.hint) == (None, None, hint)
    assert result.unfinished and not result.ready


def test_no_points_is_a_deliberate_choice_that_can_run() -> None:
    result = read_region("  ", "auto", 480, 360)
    assert result.region is None and result.ready and result.hint


def test_a_region_outside_the_frame_says_which_point_and_the_frame_size() -> None:
    result = read_region("[(0, 200), (900, 200)]", "auto", 480, 360)
    assert result.region is None
    assert "(900, 200) is outside the 480x360 frame" in result.error


def test_an_in_direction_along_the_line_is_an_error() -> None:
    result = read_region("[(0, 200), (480, 200)]", "left", 480, 360)
    assert "choose an IN direction that crosses it" in result.error


def test_one_clicked_point_asks_for_the_second_and_is_not_an_error() -> None:
    result = read_region("[(10, 20)]", "auto", 480, 360)
    assert (result.region, result.error) == (None, None)
    assert "second point" in result.hint


def test_no_points_means_no_counting_but_still_a_heatmap() -> None:
    result = read_region("  ", "auto", 480, 360)
    assert (result.region, result.error) == (None, None)
    assert "nothing is counted" in result.hint


def test_the_preview_draws_on_a_copy_of_the_frame() -> None:
    frame = np.zeros((360, 480, 3), np.uint8)
    region = read_region("[(0, 200), (480, 200)]", "auto", 480, 360).region
    preview = draw_region(frame, "[(0, 200), (480, 200)]", region)
    assert frame.max() == 0
    assert preview[200, 240].tolist() == [255, 0, 255]  # the line, in magenta


def test_the_preview_still_shows_points_of_an_unfinished_region() -> None:
    preview = draw_region(np.zeros((360, 480, 3), np.uint8), "[(100, 50)]", None)
    assert preview[50, 100].tolist() == [255, 0, 255]


@pytest.mark.parametrize(("text", "shape", "after"), [
    ("", "Line", "[(10, 20)]"),
    ("[(0, 0)]", "Line", "[(0, 0), (10, 20)]"),
    ("[(0, 0), (5, 5)]", "Line", "[(10, 20)]"),  # a third click starts a new line
    ("[(0, 0), (5, 5)]", "Zone", "[(0, 0), (5, 5), (10, 20)]"),
    ("[(0, 0), (5", "Zone", "[(0, 0), (10, 20)]"),  # a half-typed point is dropped
])
def test_a_click_adds_a_point(text: str, shape: str, after: str) -> None:
    assert add_point(text, (10, 20), shape) == after


def test_a_click_on_the_shown_image_maps_to_frame_pixels() -> None:
    shown = {"x": 274, "y": 100, "width": 548, "height": 411}  # a 480x360 frame, enlarged
    assert clicked_pixel(shown, 480, 360) == (240, 88)
    assert clicked_pixel(dict(shown, x=560), 480, 360) == (480, 88)  # kept in the frame
    assert clicked_pixel(None, 480, 360) is None
