"""Colormaps by constant or by any spelling of their name."""

from __future__ import annotations

import cv2
import pytest

from heatmap_core import COLORMAPS, colormap_name, resolve_colormap


def test_all_22_opencv_colormaps_are_offered():
    assert len(COLORMAPS) == 22
    assert {"inferno", "jet", "parula", "deepgreen", "twilight_shifted"} <= set(COLORMAPS)


@pytest.mark.parametrize("value", [cv2.COLORMAP_INFERNO, "inferno", "INFERNO",
                                   "COLORMAP_INFERNO", "cv2.COLORMAP_INFERNO",
                                   "cv2.colormap_inferno", str(cv2.COLORMAP_INFERNO)])
def test_a_colormap_by_constant_or_name(value):
    assert resolve_colormap(value) == cv2.COLORMAP_INFERNO
    assert colormap_name(value) == "inferno"


@pytest.mark.parametrize("value", ["infernal", 999, True])
def test_an_unknown_colormap_lists_the_choices(value):
    with pytest.raises(ValueError, match="inferno"):
        resolve_colormap(value)
