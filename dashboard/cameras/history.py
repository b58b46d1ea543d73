"""A camera's stored counts, put in the shape its dashboard shows: today's totals, and
IN and OUT per interval as bars (tables from `dashboard.cameras.analytics`; missing
steps are NaN, drawn as nothing).

No Streamlit here. Counts come from `run_store.CameraStore` (per-interval rows, one per
region and class; class "*" is the region's total and carries occupancy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.cameras.analytics import regions_summed
from dashboard.common.charts import COLORS, DIRECTIONS, style_counts_figure
from run_store import IntervalCount

__all__ = ["CameraTotals", "cumulative_figure", "interval_figure", "totals"]

TOTAL = "*"  # the class of a region's total row


@dataclass(frozen=True)
class CameraTotals:
    """What the cards show for a window: counts summed over every region."""

    in_count: int
    out_count: int
    peak_inside: int  # the most inside the zones at once over the window (regions_summed)
    inside_now: int  # inside the zones in the newest interval (its peak): <= peak_inside
    counted_s: float  # seconds of the window the camera actually counted


def totals(intervals: Sequence[IntervalCount]) -> CameraTotals:
    rows = [r for r in intervals if r.class_name == TOTAL]
    if not rows:
        return CameraTotals(0, 0, 0, 0, 0.0)
    steps = regions_summed(pd.DataFrame({
        "start": [r.start for r in rows], "region": [r.region for r in rows],
        "IN": [r.in_count for r in rows], "OUT": [r.out_count for r in rows],
        "peak": [r.peak_inside for r in rows], "counted_s": [r.seconds for r in rows]}))
    return CameraTotals(
        in_count=int(steps["IN"].sum()), out_count=int(steps["OUT"].sum()),
        peak_inside=int(steps["peak"].max()),
        inside_now=int(steps["peak"].loc[steps.index.max()]),
        counted_s=float(steps["counted_s"].sum()))


def interval_figure(table: pd.DataFrame, step: timedelta, label: str) -> go.Figure:
    """IN and OUT per interval as bars (columns start, IN, OUT); missing intervals stay
    empty. `label` names the step ("15 min")."""
    figure = go.Figure()
    width_ms = step.total_seconds() * 1000 * 0.4
    for direction in DIRECTIONS:
        figure.add_bar(x=table["start"], y=table[direction], name=direction,
                       marker_color=COLORS[direction], width=width_ms,
                       offset=-width_ms if direction == "IN" else 0.0)
    figure.update_layout(barmode="overlay")
    return style_counts_figure(figure, title=f"IN and OUT per {label}", y_title="count",
                               x_title="time", empty_text="Nothing counted in this period")


def cumulative_figure(table: pd.DataFrame) -> go.Figure:
    """IN and OUT counted so far over the period (gaps add nothing)."""
    figure = go.Figure()
    for direction in DIRECTIONS:
        figure.add_scatter(x=table["start"], y=table[direction].fillna(0).cumsum(),
                           name=direction, mode="lines",
                           line={"shape": "hv", "color": COLORS[direction], "width": 2.5})
    return style_counts_figure(figure, title="IN and OUT so far", y_title="count so far",
                               x_title="time", empty_text="Nothing counted in this period")
