"""The heat: seconds under each box's disc, decay, precision, drawing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from heatmap_core import HeatAccumulator, HeatOverlay, overlay


def test_heat_is_object_seconds_under_the_inscribed_disc():
    heat = HeatAccumulator(100, 100)
    for _ in range(10):
        heat.deposit(np.array([[20, 20, 60, 40]]), 0.1)
    values = heat.values
    assert values[30, 40] == pytest.approx(1.0)   # box centre, 10 x 0.1 s
    assert values[21, 21] == 0                    # box corner: outside the disc
    assert values[0, 0] == 0 and values.dtype == np.float32


def test_boxes_partly_outside_the_frame_are_clipped():
    heat = HeatAccumulator(50, 50)
    heat.deposit(np.array([[-20, -20, 20, 20], [40, 40, 90, 90], [200, 200, 260, 260]]), 1.0)
    assert heat.values[0, 0] == 1.0 and heat.values[49, 49] == 1.0


def test_decay_halves_the_heat_every_half_life():
    heat = HeatAccumulator(20, 20, half_life_s=2.0)
    heat.deposit(np.array([[0, 0, 20, 20]]), 1.0)
    heat.advance(2.0)
    assert heat.values[10, 10] == pytest.approx(0.5)
    heat.advance(4.0)
    assert heat.values[10, 10] == pytest.approx(0.125)


def test_decay_stays_exact_over_a_very_long_stream():
    heat = HeatAccumulator(10, 10, half_life_s=1.0)
    for _ in range(10_000):  # 10 000 s: the internal gain renormalises many times
        heat.deposit(np.array([[0, 0, 10, 10]]), 0.1)
        heat.advance(0.1)
    # steady state of x = (x + 0.1) / 2**0.1
    steady = 0.1 / (2 ** 0.1 - 1)
    assert heat.values[5, 5] == pytest.approx(steady, rel=1e-6)
    assert np.isfinite(heat.values).all()


def test_small_additions_still_count_once_the_heat_is_large():
    heat = HeatAccumulator(10, 10)
    box = np.array([[0, 0, 10, 10]])
    heat.deposit(box, 1e7)  # about 4 months of one object standing still
    for _ in range(1000):
        heat.deposit(box, 0.01)
    # float32 could not hold this: 1e7 + 0.01 == 1e7 in float32
    assert heat.max - 1e7 == pytest.approx(10.0, rel=1e-6)


def test_overlay_colours_only_where_there_is_heat_and_keeps_the_input():
    image = np.full((60, 60, 3), 100, np.uint8)
    heat = HeatAccumulator(60, 60)
    heat.deposit(np.array([[10, 10, 30, 30]]), 1.0)
    out = overlay(image, heat.normalized(), cv2.COLORMAP_JET, 0.5)
    assert (image == 100).all()                       # caller's frame untouched
    assert (out[50, 50] == 100).all()                 # no heat: unchanged
    assert not (out[20, 20] == 100).all()             # heat: coloured


def test_normalized_heat_peaks_at_255():
    heat = HeatAccumulator(40, 40)
    heat.deposit(np.array([[0, 0, 20, 20]]), 3.0)
    heat.deposit(np.array([[20, 20, 40, 40]]), 1.0)
    norm = heat.normalized()
    assert norm.max() == 255 and 0 < norm[30, 30] < 255


def test_resizing_keeps_the_heat_in_place():
    heat = HeatAccumulator(100, 200)
    heat.deposit(np.array([[0, 0, 40, 40]]), 1.0)
    heat.resize(50, 100)
    assert heat.shape == (50, 100)
    assert heat.values[10, 10] > 0.5 and heat.values[40, 90] == 0


def test_large_frames_keep_heat_on_a_smaller_grid_and_give_it_back_frame_sized():
    heat = HeatAccumulator(1080, 1920)
    assert heat.grid_shape == (360, 640)
    heat.deposit(np.array([[900, 480, 1020, 600]]), 2.0)
    values = heat.values
    assert values.shape == (1080, 1920)
    assert values[540, 960] == pytest.approx(2.0) and values[100, 100] == 0


def test_a_prepared_overlay_blends_into_many_frames():
    heat = HeatAccumulator(60, 80)
    heat.deposit(np.array([[10, 10, 30, 30]]), 1.0)
    layer = HeatOverlay()
    layer.update(heat.normalized(), (60, 80), cv2.COLORMAP_JET, 0.5)
    for value in (0, 200):
        frame = np.full((60, 80, 3), value, np.uint8)
        out = layer.apply(frame)
        assert (out[50, 70] == value).all() and not (out[20, 20] == value).all()
        assert (frame == value).all()
