"""Charts of count events: the numbers behind each figure, and figures for no events."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.runs import charts


def events(*rows: tuple[float, str, str]) -> pd.DataFrame:
    """Count events as events.csv holds them, from (time_s, direction, class) rows."""
    return pd.DataFrame(
        [(round(t * 10), t, i, cls, direction, "region")
         for i, (t, direction, cls) in enumerate(rows, 1)],
        columns=["frame", "time_s", "track_id", "class", "direction", "region"])


NO_EVENTS = events()


def test_interval_counts_sum_each_direction_per_bin_and_list_empty_bins() -> None:
    table = charts.interval_counts(
        events((1.0, "IN", "person"), (4.9, "IN", "person"), (5.0, "OUT", "car"),
               (17.0, "OUT", "person")), bin_s=5, duration_s=20)
    assert table.to_dict("list") == {"start_s": [0, 5, 10, 15], "IN": [2, 0, 0, 0],
                                     "OUT": [0, 1, 0, 1]}


def test_an_event_at_the_very_end_falls_in_the_last_bin() -> None:
    table = charts.interval_counts(events((10.0, "IN", "person")), bin_s=5, duration_s=10)
    assert table["IN"].tolist() == [0, 0, 1]


def test_interval_counts_reject_a_bin_of_zero_seconds() -> None:
    with pytest.raises(ValueError, match="positive"):
        charts.interval_counts(NO_EVENTS, bin_s=0, duration_s=10)


def test_class_counts_list_the_most_counted_class_first() -> None:
    table = charts.class_counts(events((1, "IN", "car"), (2, "IN", "person"),
                                       (3, "OUT", "person"), (4, "IN", "person")))
    assert table.to_dict("records") == [{"class": "person", "IN": 2, "OUT": 1},
                                        {"class": "car", "IN": 1, "OUT": 0}]


def test_cumulative_figure_steps_up_once_per_event_and_runs_to_the_end() -> None:
    figure = charts.cumulative_figure(
        events((2.0, "IN", "object"), (6.0, "IN", "object"), (3.0, "OUT", "object")), 10.0)
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name["IN"].x) == list(by_name["OUT"].x) == [0.0, 2.0, 3.0, 6.0, 10.0]
    assert list(by_name["IN"].y) == [0, 1, 1, 2, 2]
    assert list(by_name["OUT"].y) == [0, 0, 1, 1, 1]
    assert by_name["IN"].line.shape == "hv"


@pytest.mark.parametrize("figure", [
    charts.cumulative_figure(NO_EVENTS, 12.0),
    charts.interval_figure(NO_EVENTS, 5, 12.0),
    charts.class_figure(NO_EVENTS),
], ids=["cumulative", "interval", "class"])
def test_figures_without_events_say_nothing_was_counted(figure) -> None:
    assert [a.text for a in figure.layout.annotations] == ["Nothing was counted"]
    figure.to_json()  # and they still render


def test_interval_figure_has_one_bar_per_bin_and_direction() -> None:
    figure = charts.interval_figure(events((1.5, "IN", "object")), 1, 4.0)
    assert [(trace.name, list(trace.y)) for trace in figure.data] == [
        ("IN", [0, 1, 0, 0]), ("OUT", [0, 0, 0, 0])]
    assert figure.layout.title.text == "IN and OUT per 1 s"


@pytest.mark.parametrize(("duration_s", "bin_s"), [(3, 1), (20, 1), (79.5, 5), (600, 30),
                                                   (7200, 300)])
def test_default_bin_gives_a_dozen_bars_or_more(duration_s: float, bin_s: int) -> None:
    assert charts.default_bin_s(duration_s) == bin_s


@pytest.mark.parametrize(("seconds", "label"), [(5, "5 s"), (60, "1 min"), (300, "5 min"),
                                                (3600, "1 h"), (90, "90 s")])
def test_duration_labels(seconds: float, label: str) -> None:
    assert charts.duration_label(seconds) == label


def test_small_counts_get_one_tick_per_whole_number() -> None:
    small = charts.cumulative_figure(events((2.0, "IN", "object"), (3.0, "OUT", "object")), 10.0)
    assert small.layout.yaxis.dtick == 1
    many = events(*[(i * 0.1, "IN", "person") for i in range(40)])
    assert charts.cumulative_figure(many, 10.0).layout.yaxis.dtick is None
