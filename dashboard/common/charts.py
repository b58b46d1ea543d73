"""The one way the app draws counts over time: IN and OUT as cumulative steps, in the
same colours, with whole-number ticks, wherever they are shown (a result, the live
page, a comparison). Pure functions of their input, testable without a page.

A cumulative line is built from increments: (time, IN added, OUT added), sorted by
time. An event is an increment of one at its time; a bin of a count series is its
counts at the bin's start. The line starts at (0, 0), steps up at each increment
("hv": the count holds until the next step) and runs flat to `end_s`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = ["COLORS", "DIRECTIONS", "add_cumulative", "chart_text", "cumulative_counts",
           "increments_of_events", "increments_of_series", "phone_friendly",
           "style_counts_figure"]

DIRECTIONS = ("IN", "OUT")
COLORS = {"IN": "#2f9e44", "OUT": "#d9480f"}
_SERIES_COLUMNS = {"IN": "in", "OUT": "out"}
Increment = tuple[float, int, int]  # (time_s, IN added, OUT added)
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def chart_text(text: str) -> str:
    """User text (a run's name) as Plotly shows it literally: Plotly reads tags such as
    `<b>` and `<br>` in titles, legends and hover labels, and decodes entities, so a
    run named '<b>x</b>' would be drawn bold.

        >>> chart_text("<b>x</b> & y")
        '&lt;b&gt;x&lt;/b&gt; &amp; y'
    """
    return text.translate(_ENTITIES)


def increments_of_events(events: pd.DataFrame) -> list[Increment]:
    """One increment per row of an events table (columns time_s, direction)."""
    rows = zip(events["time_s"].astype(float), events["direction"], strict=True)
    return sorted((t, int(d == "IN"), int(d == "OUT")) for t, d in rows)


def increments_of_series(rows: Iterable[Mapping[str, Any]]) -> list[Increment]:
    """One increment per bin of a count series (`start_s`, `in`, `out`)."""
    return [(float(row["start_s"]), int(row["in"]), int(row["out"])) for row in rows]


def cumulative_counts(increments: Sequence[Increment], end_s: float) -> pd.DataFrame:
    """IN and OUT counted so far, as step points: columns time_s, IN, OUT, from
    (0, 0, 0) to `end_s` (or the last increment, if later)."""
    times = [t for t, _, _ in increments]
    end = max([end_s, *times]) if times else max(end_s, 0.0)
    in_totals = list(accumulate(i for _, i, _ in increments))
    out_totals = list(accumulate(o for _, _, o in increments))
    return pd.DataFrame({
        "time_s": [0.0, *times, end],
        "IN": [0, *in_totals, in_totals[-1] if in_totals else 0],
        "OUT": [0, *out_totals, out_totals[-1] if out_totals else 0],
    })


def add_cumulative(figure: go.Figure, table: pd.DataFrame, *, label: str = "",
                   dash: str = "solid") -> go.Figure:
    """IN and OUT of one cumulative table as steps; `label` (user text, shown literally)
    names the run when several share the figure (then the line style tells them apart)."""
    shown = chart_text(label)
    for direction in DIRECTIONS:
        figure.add_scatter(
            x=table["time_s"].tolist(), y=table[direction].tolist(), mode="lines",
            name=f"{shown} · {direction}" if label else direction,
            legendgroup=shown or None, meta=[shown],
            line={"shape": "hv", "color": COLORS[direction], "dash": dash, "width": 2.5},
            # the label goes in through meta: a '%{y}' in a name stays text
            hovertemplate=f"%{{y}} {direction}<extra>%{{meta[0]}}</extra>")
    return figure


# Plotly's toolbar keeps what a viewer of counts uses: zoom, pan, reset, save as PNG.
MODEBAR_REMOVE = ("select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d")
MODEBAR_WIDTH = 32  # px: a vertical toolbar is one button wide


def phone_friendly(figure: go.Figure, *, top: int = 48) -> go.Figure:
    """The layout every chart shares, so that nothing covers a title or a legend on a
    phone: the legend in rows under the plot (a legend at the right takes a third of a
    phone's width), and Plotly's toolbar, cut to four buttons, standing upright in a
    right margin of its own, beside the plot rather than over the legend or the title."""
    figure.update_layout(
        legend={"title_text": "", "orientation": "h", "x": 0, "xanchor": "left",
                "yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"t": top, "b": 8, "l": 8, "r": MODEBAR_WIDTH},
        modebar={"orientation": "v", "remove": list(MODEBAR_REMOVE)})
    return figure


def style_counts_figure(figure: go.Figure, *, title: str, y_title: str,
                        x_title: str | None, empty_text: str | None = None,
                        height: int = 340) -> go.Figure:
    """The shared look: title, legend, margins, counts from 0 with one tick per whole
    number on small counts, and `empty_text` in the middle when nothing was counted."""
    figure.update_layout(title_text=title, hovermode="x unified", height=height)
    phone_friendly(figure)
    most = max((max(trace.y, default=0) for trace in figure.data if trace.y is not None),
               default=0)
    figure.update_yaxes(title_text=y_title, rangemode="tozero", tickformat="d",
                        dtick=1 if most <= 8 else None)  # no repeated ticks on small counts
    if x_title is not None:
        figure.update_xaxes(title_text=x_title, rangemode="tozero")
    if empty_text and not most:
        figure.add_annotation(text=empty_text, showarrow=False, xref="paper", yref="paper",
                              x=0.5, y=0.5, font={"size": 16})
    return figure
