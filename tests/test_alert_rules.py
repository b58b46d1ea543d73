"""Alert rules as specs on synthetic series: each fires exactly when its condition has
held as long as it must, once, re-arms when it is measured false, and never fires
inside a gap or on time that was not counted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from run_store import Gap, IntervalCount
from workers.alert_rules import (
    Alert,
    AlertEvaluator,
    AlertRule,
    Down,
    Reading,
    alert_id,
    parse_rules,
    series_from,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def minute(i: float) -> datetime:
    return T0 + timedelta(minutes=i)


def reading(i: int, *, inside: float = 0.0, in_count: int = 0, out_count: int = 0,
            region: str = "door") -> Reading:
    """The 1-minute interval starting at minute `i`."""
    row = IntervalCount(minute(i), 60.0, region, "*", in_count, out_count,
                        int(inside + 0.5), inside)
    return Reading(minute(i), minute(i + 1), (row,))


def fired_at(rule: AlertRule, series: list[Reading | Down]) -> list[tuple[float, float]]:
    """(minute of `at`, value) of every alert the series fires."""
    alerts = AlertEvaluator([rule]).feed(series)
    return [((a.at - T0).total_seconds() / 60, a.value) for a in alerts]


# -- words ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "occupancy of door above 5 for 10 minutes",
    "more than 20 IN at front door in 15 minutes",
    "more than 3 OUT at door in 1 minute",
    "camera down for 0.5 minutes",
])
def test_a_rule_reads_back_its_own_words(text: str) -> None:
    rule = AlertRule.parse(text)
    assert rule.describe() == text
    assert AlertRule.from_dict(rule.to_dict()) == rule


def test_rules_are_read_leniently_and_refused_in_one_line() -> None:
    rules = parse_rules("  Occupancy of   Zone A above 2 for 3 min\n\nMORE THAN 4 out at "
                        "line in 15 mins\ndown for 5 minutes\n")
    assert [r.describe() for r in rules] == [
        "occupancy of Zone A above 2 for 3 minutes", "more than 4 OUT at line in 15 minutes",
        "camera down for 5 minutes"]
    with pytest.raises(ValueError, match=r"^alert line 2: 'when it rains' is not a rule; "
                                         r"write one of: .*camera down for M minutes$"):
        parse_rules("camera down for 5 minutes\nwhen it rains")
    with pytest.raises(ValueError, match="more than 0 and at most a week"):
        AlertRule.parse("camera down for 0 minutes")
    with pytest.raises(ValueError, match="needs a region name"):
        AlertRule("count", 15, 3)


# -- occupancy ----------------------------------------------------------------------

OCCUPANCY = AlertRule("occupancy", 3, 5, "door")


def test_occupancy_fires_once_when_it_has_held_m_minutes_not_before() -> None:
    above = [reading(i, inside=6.0) for i in range(10)]
    assert fired_at(OCCUPANCY, above[:2]) == []  # 2 minutes held: not yet
    assert fired_at(OCCUPANCY, above[:3]) == [(3.0, 6.0)]  # at the end of the 3rd minute
    assert fired_at(OCCUPANCY, above) == [(3.0, 6.0)]  # once, while it holds


def test_occupancy_at_the_threshold_is_not_above_it_and_the_run_restarts() -> None:
    series = [reading(0, inside=6), reading(1, inside=6), reading(2, inside=5.0),
              reading(3, inside=7), reading(4, inside=8), reading(5, inside=9)]
    assert fired_at(OCCUPANCY, series) == [(6.0, 8.0)]


def test_occupancy_re_arms_when_it_clears_and_fires_again() -> None:
    series = ([reading(i, inside=6) for i in range(4)] + [reading(4, inside=1)]
              + [reading(i, inside=7) for i in range(5, 9)])
    assert fired_at(OCCUPANCY, series) == [(3.0, 6.0), (8.0, 7.0)]


def test_occupancy_does_not_count_a_gap_as_held_time() -> None:
    series: list[Reading | Down] = [reading(0, inside=6), reading(1, inside=6),
                                    Down(minute(2), minute(30)),
                                    reading(30, inside=6), reading(31, inside=6)]
    assert fired_at(OCCUPANCY, series) == []  # 2 + 2 minutes, broken by the gap
    assert fired_at(OCCUPANCY, [*series, reading(32, inside=6)]) == [(33.0, 6.0)]


def test_occupancy_held_time_starts_where_counting_resumed() -> None:
    # The interval after a gap is aligned to the minute but counted only from 30:40.
    late = Reading(minute(30), minute(31), reading(30, inside=6).rows)
    series: list[Reading | Down] = [Down(minute(29), minute(30 + 40 / 60)), late,
                                    reading(31, inside=6), reading(32, inside=6)]
    assert fired_at(OCCUPANCY, series) == []  # 2 min 20 s counted
    assert fired_at(OCCUPANCY, [*series, reading(33, inside=6)]) == [(34.0, 6.0)]


def test_a_gap_while_it_holds_does_not_re_arm_it() -> None:
    series: list[Reading | Down] = [reading(i, inside=6) for i in range(4)]
    series += [Down(minute(4), minute(10))] + [reading(i, inside=6) for i in range(10, 20)]
    assert fired_at(OCCUPANCY, series) == [(3.0, 6.0)]


def test_occupancy_of_another_region_is_not_this_zone() -> None:
    series = [reading(i, inside=9, region="till") for i in range(5)]
    assert fired_at(OCCUPANCY, series) == []


# -- counts in a window ------------------------------------------------------------------

COUNT = AlertRule("count", 15, 20, "door", "IN")


def test_count_fires_when_the_window_holds_more_than_n() -> None:
    series = [reading(i, in_count=2, out_count=50) for i in range(20)]
    # 2 IN a minute: 20 after 10 minutes (not more than 20), 22 after 11.
    assert fired_at(COUNT, series[:10]) == []
    assert fired_at(COUNT, series[:11]) == [(11.0, 22.0)]
    assert fired_at(COUNT, series) == [(11.0, 22.0)]  # once, while the window stays above


def test_count_window_slides_and_re_arms() -> None:
    burst = [reading(0, in_count=21)]
    quiet = [reading(i) for i in range(1, 16)]
    again = [reading(16, in_count=25)]
    assert fired_at(COUNT, burst + quiet + again) == [(1.0, 21.0), (17.0, 25.0)]
    # Still inside the window at minute 15 (the burst ended at 1, window is (0, 15]):
    # re-armed only when the burst leaves it, at the reading ending at 16.
    almost = burst + quiet[:14] + [reading(15, in_count=5)]
    assert fired_at(COUNT, almost) == [(1.0, 21.0)]


def test_count_of_out_counts_out() -> None:
    rule = AlertRule("count", 5, 3, "door", "OUT")
    assert fired_at(rule, [reading(0, in_count=9, out_count=2),
                           reading(1, out_count=2)]) == [(2.0, 4.0)]


def test_count_fires_only_at_counted_moments_across_a_gap() -> None:
    series: list[Reading | Down] = [reading(0, in_count=15), Down(minute(1), minute(6)),
                                    reading(6, in_count=6)]
    assert fired_at(COUNT, series) == [(7.0, 21.0)]  # after the gap, not inside it


# -- down --------------------------------------------------------------------------

DOWN = AlertRule("down", 5)


def test_down_fires_once_m_minutes_after_it_went_down() -> None:
    going = [Down(minute(10), minute(10 + m), ongoing=True) for m in (1, 3, 4.9)]
    assert fired_at(DOWN, [reading(9), *going]) == []
    more = [Down(minute(10), minute(10 + m), ongoing=True) for m in (5.5, 7, 9)]
    assert fired_at(DOWN, [reading(9), *going, *more]) == [(15.0, 5.5)]
    done = [reading(9), *going, *more, Down(minute(10), minute(20))]
    assert fired_at(DOWN, done) == [(15.0, 5.5)]


def test_down_re_arms_when_the_camera_counts_again() -> None:
    series: list[Reading | Down] = [Down(minute(0), minute(6)), reading(6),
                                    Down(minute(7), minute(8)), reading(8),
                                    Down(minute(9), minute(20), ongoing=True)]
    assert fired_at(DOWN, series) == [(5.0, 6.0), (14.0, 11.0)]


def test_back_to_back_downs_are_one_down_time() -> None:
    # A stream that dropped, then a worker that was restarted: one stretch of 6 minutes.
    series: list[Reading | Down] = [Down(minute(0), minute(3), ongoing=True),
                                    Down(minute(3), minute(6), ongoing=True)]
    assert fired_at(DOWN, series) == [(5.0, 6.0)]


def test_a_short_down_is_nothing() -> None:
    assert fired_at(DOWN, [reading(0), Down(minute(1), minute(5.9)), reading(6)]) == []


# -- series from the store, and ids ------------------------------------------------------

def test_series_from_stored_data_gives_the_same_alerts_as_live() -> None:
    live: list[Reading | Down] = [reading(i, inside=6) for i in range(2)]
    live += [Down(minute(2), minute(8))] + [reading(i, inside=6) for i in range(8, 12)]
    rows = [row for item in live if isinstance(item, Reading) for row in item.rows]
    stored = series_from(rows, [Gap(minute(2), minute(8), "the stream ended")], 60.0)
    assert stored == live
    rules = [OCCUPANCY, DOWN]
    assert AlertEvaluator(rules).feed(stored) == AlertEvaluator(rules).feed(live)
    assert [a.words for a in AlertEvaluator(rules).feed(stored)] == [
        "camera down for 5 minutes", "occupancy of door above 5 for 3 minutes"]


def test_an_alert_has_one_id_whoever_notices_it() -> None:
    alert = Alert(minute(5), DOWN, 6.0)
    same = Alert(minute(5), AlertRule.parse("camera down for 5 minutes"), 7.5)
    assert alert_id("cam", alert) == alert_id("cam", same) != alert_id("other", alert)
    assert alert.measured() == "6.0 minutes down"
