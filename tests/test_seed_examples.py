"""The seed's own examples, run against heatmap_core.Heatmap: the Heatmap and
ObjectCounter parameter sets of Ultralytics' tests/test_solutions.py and the region of
its docs, on local video (no downloads).

Those examples use regions drawn for larger videos; Ultralytics accepts a region past
the frame, so heatmap_core cuts it to the frame and warns once, and keeps counting.
"""

from __future__ import annotations

import warnings

import cv2
import numpy as np
import pytest

from heatmap_core import Heatmap, Mover, RegionClippedWarning, Scene

# As in Ultralytics' tests/test_solutions.py and its Heatmap docs.
REGION = [(10, 200), (540, 200), (540, 180), (10, 180)]
HORIZONTAL_LINE = [(10, 200), (540, 200)]
VERTICAL_LINE = [(320, 0), (320, 400)]
DOCS_LINE = [(20, 400), (1080, 400)]

# (name, kwargs without the model, what a 480x360 video makes of the region)
SEED_SETS = [
    ("ObjectCounter", {"region": REGION, "show": False}, "cut"),
    ("ObjectCounter", {"region": HORIZONTAL_LINE, "show": False}, "cut"),
    ("ObjectCounterVertical", {"region": VERTICAL_LINE, "show": False}, "cut"),
    ("Heatmap", {"colormap": cv2.COLORMAP_PARULA, "show": False, "region": None}, "none"),
    ("HeatmapWithRegion", {"colormap": cv2.COLORMAP_PARULA, "region": REGION,
                           "show": False}, "cut"),
]


def read_frames(video, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def process_video(solution: Heatmap, frames: list[np.ndarray]):
    """As the seed's test feeds a solution: a copy of each frame, nothing else."""
    return [solution(frame.copy()) for frame in frames]


def assert_seed_results(results, frame: np.ndarray) -> None:
    assert results.plot_im.shape == frame.shape and results.plot_im.dtype == np.uint8
    assert isinstance(results.in_count, int) and isinstance(results.out_count, int)
    assert isinstance(results.total_tracks, int)
    assert isinstance(results.classwise_count, dict)
    for counts in results.classwise_count.values():
        assert set(counts) == {"IN", "OUT"}


@pytest.fixture(scope="module")
def vtest_frames(footage) -> list[np.ndarray]:
    return read_frames(footage, 300)


@pytest.mark.parametrize("name, kwargs, region", SEED_SETS, ids=[s[0] + "-" + str(i)
                                                                  for i, s in enumerate(SEED_SETS)])
def test_the_seeds_parameter_sets_run_with_yolo11n(name, kwargs, region, yolo_weights,
                                                   vtest_frames):
    frames = vtest_frames[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegionClippedWarning)  # only where we expect one
        solution = Heatmap(model=str(yolo_weights), **kwargs)
        if region == "cut":
            with pytest.warns(RegionClippedWarning, match="outside the 480x360 frame") as seen:
                results = process_video(solution, frames)
            assert len(seen) == 1  # once per region, not per frame
        else:
            results = process_video(solution, frames)
    for result, frame in zip(results, frames, strict=True):
        assert_seed_results(result, frame)
    if kwargs["region"] is not None:
        xs, ys = zip(*solution.region, strict=True)
        assert max(xs) <= 480 and max(ys) <= 360


@pytest.mark.parametrize("points, inside", [
    (HORIZONTAL_LINE, [(10, 200), (480, 200)]),
    (VERTICAL_LINE, [(320, 0), (320, 360)]),
    (REGION, [(10, 200), (480, 200), (480, 180), (10, 180)]),
])
def test_a_region_cut_to_real_footage_counts_as_the_part_inside(points, inside, vtest_frames):
    with pytest.warns(RegionClippedWarning):
        cut = process_video(Heatmap(model="motion", region=points, verbose=False),
                            vtest_frames)[-1]
    drawn_inside = process_video(Heatmap(model="motion", region=inside, verbose=False),
                                 vtest_frames)[-1]
    assert cut.in_count + cut.out_count > 0  # it keeps counting
    assert (cut.in_count, cut.out_count, cut.classwise_count) == (
        drawn_inside.in_count, drawn_inside.out_count, drawn_inside.classwise_count)


def test_the_docs_line_below_a_small_video_is_a_clear_error(vtest_frames):
    solution = Heatmap(model="motion", colormap=cv2.COLORMAP_PARULA, region=DOCS_LINE,
                       verbose=False)
    with pytest.raises(ValueError, match="lies outside the 480x360 frame: no part of it"):
        solution(vtest_frames[0].copy())


@pytest.mark.parametrize("width, height, warned", [(1280, 720, False), (640, 480, True)])
def test_the_docs_line_counts_on_videos_it_reaches(width, height, warned):
    walker = Mover(((400, 300), (400, 500)), start_frame=5, frames_per_leg=20)
    scene = Scene(width, height, 10.0, 30, movers=(walker,), noise=0)
    frames = [scene.frame(i) for i in range(scene.frames)]
    solution = Heatmap(model="motion", colormap=cv2.COLORMAP_PARULA, region=DOCS_LINE,
                       verbose=False)
    if warned:
        with pytest.warns(RegionClippedWarning, match=r"\(1080, 400\) outside the 640x480"):
            results = process_video(solution, frames)
    else:
        results = process_video(solution, frames)
    assert_seed_results(results[-1], frames[-1])
    assert (results[-1].in_count, results[-1].out_count) == (1, 0)
