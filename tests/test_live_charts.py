"""The live chart: cumulative IN and OUT over the session, from the count series."""

from __future__ import annotations

from dashboard.live.charts import live_counts_figure


def row(start_s: float, in_count: int = 0, out_count: int = 0) -> dict[str, object]:
    return {"start_s": start_s, "in": in_count, "out": out_count, "inside": 0, "tracks": 1}


def test_in_and_out_are_cumulative_steps_from_zero_to_now() -> None:
    figure = live_counts_figure([row(0), row(1, in_count=2), row(2), row(3, 1, 1)], now_s=3.6)
    in_trace, out_trace = figure.data
    assert (in_trace.name, out_trace.name) == ("IN", "OUT")
    assert list(in_trace.x) == [0.0, 0.0, 1.0, 2.0, 3.0, 3.6]
    assert list(in_trace.y) == [0, 0, 2, 2, 3, 3]
    assert list(out_trace.y) == [0, 0, 0, 0, 1, 1]
    assert in_trace.line.shape == "hv"
    assert not figure.layout.annotations


def test_before_anything_is_counted_the_chart_says_so() -> None:
    figure = live_counts_figure([], now_s=0.0)
    assert [list(t.y) for t in figure.data] == [[0, 0], [0, 0]]
    assert figure.layout.annotations[0].text == "Nothing counted yet"


def test_small_counts_get_whole_number_ticks_and_large_ones_automatic_ticks() -> None:
    assert live_counts_figure([row(0, 3)], now_s=1).layout.yaxis.dtick == 1
    assert live_counts_figure([row(0, 300)], now_s=1).layout.yaxis.dtick is None


def test_a_long_session_with_coarse_bins_stays_one_point_per_bin() -> None:
    rows = [row(i * 64.0, in_count=1) for i in range(3600)]  # a few days at 64 s bins
    in_trace = live_counts_figure(rows, now_s=3600 * 64.0).data[0]
    assert len(in_trace.x) == 3602 and in_trace.y[-1] == 3600
