"""Exact counts on rendered video with known crossings, through the motion detector.

Each scene is also run with its ground-truth tracks (ScriptedDetector), so a failure
tells whether detection/tracking or the counting rule is wrong.
"""

from __future__ import annotations

import pytest

from heatmap_core import Heatmap, Mover, Region, Scene, ScriptedDetector

LINE = Region(((0, 120), (320, 120)), "line")
VLINE = Region(((160, 0), (160, 240)), "vline")
ZONE = Region(((200, 80), (300, 80), (300, 160), (200, 160)), "zone")


def run(scene: Scene, regions, truth: bool = False) -> Heatmap:
    model = ScriptedDetector(scene.tracks_at) if truth else "motion"
    heatmap = Heatmap(model=model, regions=regions, fps=scene.fps, verbose=False)
    for index in range(scene.frames):
        heatmap(scene.frame(index), index / scene.fps)
    return heatmap


def counts(heatmap: Heatmap) -> dict[str, tuple[int, int]]:
    return {c.region.name: (c.in_count, c.out_count) for c in heatmap.counters}


def both(scene: Scene, regions) -> list[dict[str, tuple[int, int]]]:
    return [counts(run(scene, regions)), counts(run(scene, regions, truth=True))]


def down(x: float, start: int, **kw) -> Mover:
    return Mover(((x, -30), (x, 270)), start_frame=start, frames_per_leg=40, **kw)


def up(x: float, start: int, **kw) -> Mover:
    return Mover(((x, 270), (x, -30)), start_frame=start, frames_per_leg=40, **kw)


def test_one_down_one_up_across_a_horizontal_line():
    scene = Scene(movers=(down(60, 10), up(250, 25, color=(200, 80, 40))), frames=80)
    assert both(scene, [LINE]) == [{"line": (1, 1)}] * 2


def test_right_and_left_across_a_vertical_line():
    right = Mover(((-20, 60), (340, 60)), start_frame=10, frames_per_leg=40, size=(40, 30))
    left = Mover(((340, 180), (-20, 180)), start_frame=20, frames_per_leg=40, size=(40, 30),
                 color=(30, 160, 40))
    scene = Scene(movers=(right, left), frames=75)
    assert both(scene, [VLINE]) == [{"vline": (1, 1)}] * 2


def test_down_then_back_up_is_one_in_and_one_out():
    back = Mover(((100, -30), (100, 180), (100, -30)), start_frame=10, frames_per_leg=30)
    scene = Scene(movers=(back,), frames=80)
    assert both(scene, [LINE]) == [{"line": (1, 1)}] * 2


def test_missed_by_the_detector_while_crossing_still_counts_once():
    # Invisible for 4 frames while its centre passes the line (frames 27-30).
    hidden = Mover(((100, -30), (100, 270)), start_frame=10, frames_per_leg=40,
                   hidden=frozenset(range(27, 31)))
    scene = Scene(movers=(hidden,), frames=60)
    assert both(scene, [LINE]) == [{"line": (1, 0)}] * 2


def test_loitering_on_the_line_does_not_count():
    wobble = [(100.0, 120.0 + d) for d in (4, -4, 3, -3) * 6]
    loiter = Mover(((100, -30), (100, 60), *wobble, (100, 60), (100, -30)),
                   start_frame=5, frames_per_leg=4)
    scene = Scene(movers=(loiter,), frames=loiter.end_frame + 5)
    assert both(scene, [LINE]) == [{"line": (0, 0)}] * 2


def test_a_one_frame_flash_is_not_an_object():
    flash = Mover(((100, 150), (100, 150)), start_frame=20, frames_per_leg=1,
                  hidden=frozenset({21}))  # drawn on frame 20 only
    scene = Scene(movers=(flash,), frames=30)
    heatmap = run(scene, [LINE])
    assert heatmap.tracks_seen == 0


def test_six_objects_in_lanes_both_ways():
    movers = tuple((down if i % 2 else up)(30 + i * 50, 5 + i * 3, color=(40 + 30 * i, 60, 200))
                   for i in range(6))
    scene = Scene(movers=movers, frames=70)
    assert both(scene, [LINE]) == [{"line": (3, 3)}] * 2


def test_a_line_and_a_zone_at_once_with_occupancy_and_dwell():
    through_zone = Mover(((250, -30), (250, 120), (250, 120), (250, 270)), start_frame=5,
                         frames_per_leg=20)  # stops 2 s in the zone
    elsewhere = up(60, 10, color=(30, 160, 40))
    scene = Scene(movers=(through_zone, elsewhere), frames=80)
    for truth in (False, True):
        heatmap = run(scene, [LINE, ZONE], truth=truth)
        assert counts(heatmap) == {"line": (1, 1), "zone": (1, 1)}  # in, then out
        (visit,) = heatmap.dwells
        assert visit.seconds == pytest.approx(3.5, abs=0.6)


def zone_events(heatmap: Heatmap) -> list[str]:
    return [e.direction for e in heatmap.events if e.region == "zone"]


@pytest.mark.parametrize("waypoints", [
    ((250, -30), (250, 270)),   # down through the zone
    ((250, 270), (250, -30)),   # up through it: still IN first, then OUT
    ((170, 120), (340, 120)),   # right
])
def test_passing_through_a_zone_enters_then_leaves(waypoints):
    scene = Scene(movers=(Mover(waypoints, start_frame=5, frames_per_leg=40),), frames=55)
    for truth in (False, True):
        heatmap = run(scene, [ZONE], truth=truth)
        assert zone_events(heatmap) == ["IN", "OUT"]
        assert heatmap.counters[0].snapshot().inside == 0


def test_entering_leaving_and_entering_again_then_staying():
    back_and_forth = Mover(((250, -30), (250, 120), (250, 20), (250, 120), (250, 120)),
                           start_frame=5, frames_per_leg=15)
    scene = Scene(movers=(back_and_forth,), frames=back_and_forth.end_frame + 5)
    for truth in (False, True):
        heatmap = run(scene, [ZONE], truth=truth)
        assert zone_events(heatmap) == ["IN", "OUT", "IN"]
        assert heatmap.counters[0].snapshot().inside == 1


def test_an_object_already_in_the_zone_is_inside_but_not_an_entry():
    # In the zone from the first frame, it leaves at the bottom: neither IN nor OUT.
    there = Mover(((250, 120), (250, 120), (250, 270)), frames_per_leg=20)
    scene = Scene(movers=(there,), frames=50)
    heatmap = run(scene, [ZONE], truth=True)
    assert zone_events(heatmap) == [] and len(heatmap.dwells) == 1


def test_results_match_the_seed_fields():
    scene = Scene(movers=(down(60, 10),), frames=60)
    heatmap = Heatmap(model="motion", region=[(0, 120), (320, 120)], verbose=False)
    for index in range(scene.frames):
        results = heatmap(scene.frame(index))
    assert (results.in_count, results.out_count) == (1, 0)
    assert results.classwise_count == {"object": {"IN": 1, "OUT": 0}}
    assert results.plot_im.shape == (240, 320, 3)


# -- real-footage troubles, rendered with known answers --------------------------------

def test_someone_in_the_first_frame_leaves_no_ghost_behind():
    # Stands above the line from the first frame (so the first frame is no empty scene),
    # then walks down across it; later someone walks up through the spot they left.
    starter = Mover(((100, 50), (100, 50), (100, 270)), start_frame=0, frames_per_leg=15,
                    shape="person")
    later = Mover(((100, 270), (100, -30)), start_frame=45, frames_per_leg=30,
                  color=(200, 80, 40), shape="person")
    scene = Scene(movers=(starter, later), frames=80)
    assert both(scene, [LINE]) == [{"line": (1, 1)}] * 2
    heatmap = run(scene, [LINE])
    assert heatmap.tracks_seen == 2  # the two people; no track for a ghost


def test_two_people_walking_side_by_side_count_twice():
    pair = tuple(Mover(((x, -30), (x, 270)), start_frame=5, frames_per_leg=40,
                       size=(24, 52), color=color, shape="person")
                 for x, color in ((148, (40, 40, 200)), (172, (40, 150, 40))))
    scene = Scene(movers=pair, frames=50)
    assert both(scene, [LINE]) == [{"line": (2, 0)}] * 2
    assert run(scene, [LINE]).tracks_seen == 2


def test_a_group_of_three_and_a_single_walker_the_other_way():
    group = tuple(Mover(((x, 270), (x, -30)), start_frame=8, frames_per_leg=40,
                        size=(22, 50), color=(40 + 60 * i, 60, 200 - 50 * i), shape="person")
                  for i, x in enumerate((120, 142, 164)))
    single = Mover(((260, -30), (260, 270)), start_frame=12, frames_per_leg=40,
                   shape="person")
    scene = Scene(movers=(*group, single), frames=55)
    assert both(scene, [LINE]) == [{"line": (1, 3)}] * 2


def test_people_running_across_count_once_each():
    runners = tuple(Mover(((60 + 90 * i, -30), (60 + 90 * i, 270)) if i % 2 == 0 else
                          ((60 + 90 * i, 270), (60 + 90 * i, -30)),
                          start_frame=5 + 4 * i, frames_per_leg=14, shape="person",
                          color=(40, 40 + 50 * i, 200))  # 21 px a frame: sprinting
                    for i in range(3))
    scene = Scene(movers=runners, frames=35)
    assert both(scene, [LINE]) == [{"line": (2, 1)}] * 2


def test_someone_who_stands_still_fades_out_and_is_found_again_when_walking_on():
    # Walks in, stands 8 s above the line (longer than the detector's fade_s: 5 s), then
    # walks on across it.
    stops = ((100.0, 60.0),) * 5
    stopper = Mover(((100, -30), *stops, (100, 270)), start_frame=5, frames_per_leg=20,
                    shape="person")
    scene = Scene(movers=(stopper,), frames=stopper.end_frame + 5)
    assert both(scene, [LINE]) == [{"line": (1, 0)}] * 2


def test_two_people_crossing_behind_a_pole_keep_their_ids():
    # Different colours, walking opposite ways; they pass each other behind a pole, so
    # boxes alone cannot tell who came out on which side: their looks can.
    walkers = (Mover(((-20, 120), (340, 120)), start_frame=5, frames_per_leg=40,
                     size=(24, 52), color=(40, 40, 200), shape="person"),
               Mover(((340, 125), (-20, 125)), start_frame=5, frames_per_leg=40,
                     size=(24, 52), color=(40, 180, 40), shape="person"))
    scene = Scene(movers=walkers, occluders=((140, 0, 180, 240),), frames=50)
    assert both(scene, [VLINE]) == [{"vline": (1, 1)}] * 2
    assert run(scene, [VLINE]).tracks_seen == 2
