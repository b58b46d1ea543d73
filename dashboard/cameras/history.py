"""A camera's stored counts, put in the shape its dashboard shows: totals over a window,
IN and OUT per interval with the gaps left as gaps, and the words for a camera's state.

No Streamlit here. Counts come from `run_store.CameraStore` (per-interval rows, one per
region and class; class "*" is the region's total and carries occupancy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import pandas as pd
import plotly.graph_objects as go

from dashboard.common.charts import COLORS, DIRECTIONS, style_counts_figure
from run_store import Gap, IntervalCount

__all__ = ["CameraTotals", "counts_per_interval", "interval_figure", "totals"]

TOTAL = "*"  # the class of a region's total row


@dataclass(frozen=True)
class CameraTotals:
    """What the cards show for a window: counts summed over every region."""

    in_count: int
    out_count: int
    peak_inside: int  # the most objects inside zones at once, over the window
    inside_now: int  # inside zones at the end of the newest interval (its peak)
    counted_s: float  # seconds of the window the camera actually counted


def totals(intervals: Sequence[IntervalCount]) -> CameraTotals:
    rows = [r for r in intervals if r.class_name == TOTAL]
    newest = max((r.start for r in rows), default=None)
    return CameraTotals(
        in_count=sum(r.in_count for r in rows), out_count=sum(r.out_count for r in rows),
        peak_inside=max((r.peak_inside for r in rows), default=0),
        inside_now=sum(r.peak_inside for r in rows if r.start == newest),
        counted_s=sum({(r.start, r.region): r.seconds for r in rows}.values()) / max(
            1, len({r.region for r in rows})))


def counts_per_interval(intervals: Sequence[IntervalCount], since: datetime, until: datetime,
                        step: timedelta, gaps: Sequence[Gap], zone: tzinfo) -> pd.DataFrame:
    """IN and OUT per `step` from `since` to `until` (columns start, IN, OUT, in the
    viewer's `zone`): steps with no counted time at all are NaN (drawn as gaps, never
    as zero), as are steps inside a recorded gap."""
    edges = pd.date_range(since, until, freq=step, inclusive="left")
    table = pd.DataFrame({"start": edges, "IN": 0.0, "OUT": 0.0, "seconds": 0.0})
    seconds = step.total_seconds()
    for row in intervals:
        if row.class_name != TOTAL:
            continue
        index = int((row.start - since).total_seconds() // seconds)
        if 0 <= index < len(table):
            table.loc[index, "IN"] += row.in_count
            table.loc[index, "OUT"] += row.out_count
            table.loc[index, "seconds"] += row.seconds
    uncounted = table["seconds"] == 0
    for gap in gaps:
        ends = table["start"] + step
        uncounted |= (table["start"] >= gap.start) & (ends <= gap.end)
    table.loc[uncounted, ["IN", "OUT"]] = float("nan")
    table["start"] = table["start"].dt.tz_convert(zone)
    return table.drop(columns="seconds")


def interval_figure(table: pd.DataFrame, step: timedelta) -> go.Figure:
    """IN and OUT per interval as bars; missing intervals stay empty."""
    figure = go.Figure()
    width_ms = step.total_seconds() * 1000 * 0.4
    for direction in DIRECTIONS:
        figure.add_bar(x=table["start"], y=table[direction], name=direction,
                       marker_color=COLORS[direction], width=width_ms,
                       offset=-width_ms if direction == "IN" else 0.0)
    figure.update_layout(barmode="overlay")
    minutes = int(step.total_seconds() // 60)
    label = f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"
    return style_counts_figure(figure, title=f"IN and OUT per {label}", y_title="count",
                               x_title="time", empty_text="Nothing counted in this period")
