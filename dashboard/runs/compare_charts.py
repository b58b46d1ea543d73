"""Two saved runs on the same axes: pure Plotly builders, testable without a page.

Counts share one time axis and one count axis; heat shares one colour scale (the
heatmap images each stretch their own colours over their own range, so two images
alone can make a quiet scene look as busy as a crowded one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import plotly.colors as pc
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.common.charts import (
    add_cumulative,
    chart_text,
    cumulative_counts,
    increments_of_series,
    phone_friendly,
    style_counts_figure,
)

RUN_DASHES = ("solid", "dash")
# Inferno from black: its own first colour, #000004, is one of the placeholder colours
# Streamlit's chart theme swaps for its own (any spelling of it).
HEAT_COLORSCALE = ["#000000", *pc.sequential.Inferno[1:]]
MAX_HEAT_WIDTH = 240  # cells across: enough to see where, small enough to send


@dataclass(frozen=True)
class ComparedRun:
    """What the figures need of one run: a label, its length and the store's data."""

    label: str  # user text: the figures show it literally
    duration_s: float
    series: Sequence[dict[str, Any]]  # `RunStore.series` rows: start_s, in, out, ...
    heat: npt.NDArray[np.float32]  # `RunStore.heatmap`: object-seconds per pixel


def counts_comparison_figure(runs: Sequence[ComparedRun]) -> go.Figure:
    """Cumulative IN and OUT of each run, on one time axis and one count axis: colour
    says the direction, the line style says the run."""
    figure = go.Figure()
    for run, dash in zip(runs, RUN_DASHES, strict=False):
        table = cumulative_counts(increments_of_series(run.series), run.duration_s)
        add_cumulative(figure, table, label=run.label, dash=dash)
    return style_counts_figure(figure, title="Cumulative IN and OUT", y_title="count so far",
                               x_title="time in the video (s)", height=380)


def shrink_heat(heat: npt.NDArray[np.float32], max_width: int = MAX_HEAT_WIDTH
                ) -> npt.NDArray[np.float32]:
    """`heat` averaged over square blocks so it is at most `max_width` cells wide; the
    values stay object-seconds per pixel, so shrunk maps compare like the originals."""
    height, width = heat.shape
    block = max(1, -(-width // max_width))
    if block == 1:
        return heat.astype(np.float32)
    rows, cols = -(-height // block), -(-width // block)
    padded = np.full((rows * block, cols * block), np.nan, np.float32)
    padded[:height, :width] = heat
    blocks = padded.reshape(rows, block, cols, block)
    return np.nanmean(blocks, axis=(1, 3)).astype(np.float32)


def heat_comparison_figure(runs: Sequence[ComparedRun]) -> go.Figure:
    """The runs' heat side by side on one colour scale, from 0 to the hotter run's
    hottest cell, in the frame's orientation (y down)."""
    heats = [shrink_heat(run.heat) for run in runs]
    top = max((float(h.max()) for h in heats if h.size), default=0.0) or 1.0
    figure = make_subplots(rows=1, cols=len(runs), horizontal_spacing=0.04,
                           subplot_titles=[chart_text(run.label) for run in runs])
    for column, heat in enumerate(heats, start=1):
        figure.add_heatmap(z=heat, coloraxis="coloraxis", row=1, col=column,
                           hovertemplate="%{z:.3g} object-s per pixel<extra></extra>")
        axis = "" if column == 1 else str(column)
        figure.update_yaxes(autorange="reversed", scaleanchor=f"x{axis}", visible=False,
                            row=1, col=column)
        figure.update_xaxes(visible=False, row=1, col=column)
    figure.update_layout(
        coloraxis={"colorscale": HEAT_COLORSCALE, "cmin": 0.0, "cmax": top,
                   "colorbar": {"title": {"text": "object-s<br>per pixel"}}},
        title_text="Heat on one colour scale", height=380)
    return phone_friendly(figure, top=64)
