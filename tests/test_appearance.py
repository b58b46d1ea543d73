"""Appearance descriptors: unit vectors whose dot product says how alike two look."""

from __future__ import annotations

import numpy as np
import pytest

from heatmap_core.appearance import DESCRIPTOR_SIZE, describe, similarity


def person(top: tuple[int, int, int], bottom: tuple[int, int, int], h: int = 40,
           w: int = 16) -> np.ndarray:
    image = np.zeros((h, w, 3), np.uint8)
    image[:h // 2], image[h // 2:] = top, bottom
    return image


RED, BLUE, GREY, DARK = (30, 30, 200), (200, 60, 30), (128, 128, 128), (30, 30, 30)
ALL = np.ones((40, 16), bool)


def test_a_descriptor_is_a_unit_vector_and_alike_to_itself():
    looks = describe(person(RED, DARK), ALL)
    assert looks.shape == (DESCRIPTOR_SIZE,)
    assert np.linalg.norm(looks) == pytest.approx(1.0, abs=1e-6)
    assert similarity(looks, looks)[0, 0] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(("other", "most"), [
    (person(BLUE, DARK), 0.55),   # same trousers, another coat
    (person(DARK, RED), 0.05),    # the colours the other way up
    (person(GREY, GREY), 0.05),
])
def test_other_clothes_look_less_alike(other, most):
    assert similarity(describe(person(RED, DARK), ALL), describe(other, ALL))[0, 0] <= most


def test_only_foreground_pixels_count():
    image = person(RED, DARK)
    image[:, 8:] = (0, 200, 0)  # the background beside them: green
    mask = np.zeros((40, 16), bool)
    mask[:, :8] = True
    alone = describe(person(RED, DARK), ALL)
    assert similarity(describe(image, mask), alone)[0, 0] == pytest.approx(1.0, abs=1e-6)


def test_too_few_pixels_say_nothing():
    mask = np.zeros((40, 16), bool)
    mask[19:21, 4:8] = True  # 4 pixels in each half
    unknown = describe(person(RED, DARK), mask)
    assert not unknown.any()
    assert np.isnan(similarity(unknown, describe(person(RED, DARK), ALL))[0, 0])
