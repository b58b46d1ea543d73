"""Plotly figures of a run's count events: pure functions of a table, testable
without a page.

`events` is the table of events.csv: one row per counted crossing, with the columns
frame, time_s, track_id, class, direction ("IN" or "OUT") and region.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.common.charts import (
    COLORS,
    DIRECTIONS,
    add_cumulative,
    cumulative_counts,
    increments_of_events,
    style_counts_figure,
)

BIN_CHOICES_S = (1, 5, 10, 30, 60, 300, 900, 3600)


def default_bin_s(duration_s: float) -> int:
    """The widest bin that still gives 12 or more bars over the video."""
    return next((b for b in reversed(BIN_CHOICES_S) if duration_s / b >= 12),
                BIN_CHOICES_S[0])


def cumulative_figure(events: pd.DataFrame, duration_s: float) -> go.Figure:
    """IN and OUT counted so far, as steps over the video's time."""
    figure = add_cumulative(go.Figure(),
                            cumulative_counts(increments_of_events(events), duration_s))
    return _layout(figure, "Cumulative IN and OUT", "count so far")


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
    return _layout(figure, f"IN and OUT per {duration_label(bin_s)}", "count")


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
    return _layout(figure, "IN and OUT per class", "count", time_axis=False)


def _layout(figure: go.Figure, title: str, y_title: str,
            time_axis: bool = True) -> go.Figure:
    return style_counts_figure(figure, title=title, y_title=y_title,
                               x_title="time in the video (s)" if time_axis else None,
                               empty_text="Nothing was counted")


def duration_label(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60:g} min"
    return f"{seconds:g} s"
