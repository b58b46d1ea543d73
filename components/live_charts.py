"""The live page's Plotly chart: IN and OUT counted so far, over the session's time.

Built from the core's count series (`Heatmap.series.rows()`: one row per time bin with
`start_s`, `in` and `out`), so it stays small on a stream that runs for days: the bins
get wider, the figure does not grow. A pure function of its input, tested without a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Any

import plotly.graph_objects as go

from components.charts import COLORS, DIRECTIONS

__all__ = ["live_counts_figure"]

_COLUMNS = {"IN": "in", "OUT": "out"}


def live_counts_figure(rows: Sequence[Mapping[str, Any]], now_s: float) -> go.Figure:
    """Cumulative IN and OUT as steps from 0 to `now_s` seconds of the session."""
    figure = go.Figure()
    starts = [float(row["start_s"]) for row in rows]
    end = max([now_s, *starts])
    for direction in DIRECTIONS:
        totals = list(accumulate(int(row[_COLUMNS[direction]]) for row in rows))
        figure.add_scatter(
            x=[0.0, *starts, end], y=[0, *totals, totals[-1] if totals else 0],
            name=direction, mode="lines",
            line={"shape": "hv", "color": COLORS[direction], "width": 2.5})
    most = max(sum(int(row[column]) for row in rows) for column in _COLUMNS.values())
    figure.update_layout(title_text="IN and OUT since the start", legend_title_text="",
                         hovermode="x unified", height=320, uirevision="live",
                         margin={"t": 48, "b": 8, "l": 8, "r": 8})
    figure.update_xaxes(title_text="time since the start (s)", rangemode="tozero")
    figure.update_yaxes(title_text="count so far", rangemode="tozero", tickformat="d",
                        dtick=1 if most <= 8 else None)  # no repeated ticks on small counts
    if not most:
        figure.add_annotation(text="Nothing counted yet", showarrow=False, xref="paper",
                              yref="paper", x=0.5, y=0.5, font={"size": 16})
    return figure
