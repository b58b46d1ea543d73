"""Dwell time in a camera's zones over a period, as the dashboard shows it: a table
(median, 90th percentile, visits) and the distribution as bars.

No Streamlit here. The numbers are `CameraStore.dwell_stats` (exact, by the
database). A zone with no visit ended in the period has no row and no bars: "no
visit", never a zero-second dwell.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.common.charts import chart_text, phone_friendly
from run_store import DwellStats
from run_store.camera_dwells import bin_labels

__all__ = ["DWELL_COLUMNS", "dwell_figure", "dwell_table"]

DWELL_COLUMNS = ("zone", "visits", "median_s", "p90_s")
_PALETTE = ("#1971c2", "#e8590c", "#2f9e44", "#9c36b5", "#f08c00", "#0c8599")


def dwell_table(stats: Sequence[DwellStats]) -> pd.DataFrame:
    """One row per zone: visits ended in the period, median and 90th percentile (s)."""
    return pd.DataFrame([(s.region, s.visits, s.median_s, s.p90_s) for s in stats],
                        columns=list(DWELL_COLUMNS))


def dwell_figure(stats: Sequence[DwellStats]) -> go.Figure:
    """How long visits lasted, per zone: visits per bin of time (bins widen with time)."""
    figure = go.Figure()
    labels = bin_labels()
    for index, zone in enumerate(stats):
        figure.add_bar(x=labels, y=list(zone.histogram), name=chart_text(zone.region),
                       marker_color=_PALETTE[index % len(_PALETTE)],
                       hovertemplate="%{x}: %{y} visits<extra>%{fullData.name}</extra>")
    figure.update_layout(
        title_text="Time spent in each zone (visits per length of stay)", barmode="group",
        height=340, showlegend=True)
    phone_friendly(figure)
    figure.update_xaxes(title_text="length of the visit", type="category")
    figure.update_yaxes(title_text="visits", rangemode="tozero")
    if not stats:
        figure.add_annotation(text="No visit of a zone ended in this period",
                              showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return figure
