"""Reading the typed region: every mistake becomes a message that says what to change."""

from __future__ import annotations

import numpy as np
import pytest

from components.region_editor import default_points, draw_region, format_points, read_region


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


@pytest.mark.parametrize(("text", "says"), [
    ("[(0, 200), (480", "not valid"),
    ("hello", "not valid"),
    ("[(0, 200), (0, 200)]", "two different points"),
    ("[(0, 0), (100, 100), (200, 200)]", "no area"),
])
def test_a_malformed_region_is_an_error_with_an_example(text: str, says: str) -> None:
    result = read_region(text, "auto", 480, 360)
    assert result.region is None
    assert says in result.error
    assert "like [(0, 180), (480, 180)]" in result.error or "Move or retype" in result.error


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
