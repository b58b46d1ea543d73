"""Plotly figures of count events: pure functions of a table, testable without a page.

`events` is the table of events.csv: one row per counted crossing, with the columns
frame, time_s, track_id, class, direction ("IN" or "OUT") and region.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

DIRECTIONS = ("IN", "OUT")
COLORS = {"IN": "#2f9e44", "OUT": "#d9480f"}
BIN_CHOICES_S = (1, 5, 10, 30, 60, 300, 900, 3600)


def default_bin_s(duration_s: float) -> int:
    """The widest bin that still gives 12 or more bars over the video."""
    return next((b for b in reversed(BIN_CHOICES_S) if duration_s / b >= 12),
                BIN_CHOICES_S[0])


def cumulative_figure(events: pd.DataFrame, duration_s: float) -> go.Figure:
    """IN and OUT counted so far, as steps over the video's time."""
    figure = go.Figure()
    for direction in DIRECTIONS:
        times = sorted(events.loc[events["direction"] == direction, "time_s"].astype(float))
        figure.add_scatter(
            x=[0.0, *times, max(duration_s, times[-1] if times else 0.0)],
            y=[0, *range(1, len(times) + 1), len(times)], name=direction, mode="lines",
            line={"shape": "hv", "color": COLORS[direction], "width": 2.5})
    return _layout(figure, "Cumulative IN and OUT", "count so far", events.empty)


def interval_counts(events: pd.DataFrame, bin_s: float, duration_s: float) -> pd.DataFrame:
    """IN and OUT per `bin_s` seconds: columns start_s, IN, OUT; every bin of the video
    is listed, empty ones as zeros."""
    if bin_s <= 0:
        raise ValueError(f"bin_s must be positive, got {bin_s}")
    last_event = float(events["time_s"].max()) if not events.empty else 0.0
    bins = max(1, math.ceil(max(duration_s, last_event + 1e-9) / bin_s))
    table = pd.DataFrame({"start_s": [i * bin_s for i in range(bins)]})
    index = (events["time_s"].astype(float) // bin_s).astype(int).clip(upper=bins - 1)
    for direction in DIRECTIONS:
        mask = events["direction"] == direction
        per_bin = index[mask].value_counts()
        table[direction] = [int(per_bin.get(i, 0)) for i in range(bins)]
    return table


def interval_figure(events: pd.DataFrame, bin_s: float, duration_s: float) -> go.Figure:
    """IN and OUT per interval, as grouped bars."""
    table = interval_counts(events, bin_s, duration_s)
    figure = go.Figure()
    for direction in DIRECTIONS:
        figure.add_bar(x=table["start_s"] + bin_s / 2, y=table[direction], name=direction,
                       marker_color=COLORS[direction], width=bin_s * 0.4,
                       offset=-bin_s * 0.4 if direction == "IN" else 0.0,
                       hovertemplate=f"%{{y}} {direction}<extra></extra>")
    figure.update_layout(barmode="overlay")
    return _layout(figure, f"IN and OUT per {duration_label(bin_s)}", "count", events.empty)


def class_counts(events: pd.DataFrame) -> pd.DataFrame:
    """IN and OUT per class: columns class, IN, OUT; most counted classes first."""
    table = (events.groupby(["class", "direction"]).size().unstack(fill_value=0)
             .reindex(columns=list(DIRECTIONS), fill_value=0).reset_index())
    table.columns.name = None
    order = (table["IN"] + table["OUT"]).sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True).astype({"IN": int, "OUT": int})


def class_figure(events: pd.DataFrame) -> go.Figure:
    """IN and OUT per class, as grouped bars."""
    table = class_counts(events)
    figure = go.Figure()
    for direction in DIRECTIONS:
        figure.add_bar(x=table["class"], y=table[direction], name=direction,
                       marker_color=COLORS[direction])
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text="class", type="category")
    figure.update_yaxes(title_text="count")
    return _layout(figure, "IN and OUT per class", "count", events.empty, time_axis=False)


def _layout(figure: go.Figure, title: str, y_title: str, empty: bool,
            time_axis: bool = True) -> go.Figure:
    figure.update_layout(title_text=title, legend_title_text="", hovermode="x unified",
                         margin={"t": 48, "b": 8, "l": 8, "r": 8}, height=340)
    most = max((max(trace.y, default=0) for trace in figure.data if trace.y is not None),
               default=0)
    figure.update_yaxes(title_text=y_title, rangemode="tozero", tickformat="d",
                        dtick=1 if most <= 8 else None)  # no repeated ticks on small counts
    if time_axis:
        figure.update_xaxes(title_text="time in the video (s)", rangemode="tozero")
    if empty:
        figure.add_annotation(text="Nothing was counted", showarrow=False, xref="paper",
                              yref="paper", x=0.5, y=0.5, font={"size": 16})
    return figure


def duration_label(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60:g} min"
    return f"{seconds:g} s"
