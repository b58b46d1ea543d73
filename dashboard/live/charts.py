"""The live page's chart: IN and OUT counted so far, over the session's time.

Built from the core's count series (`Heatmap.series.rows()`: one row per time bin with
`start_s`, `in` and `out`), so it stays small on a stream that runs for days: the bins
get wider, the figure does not grow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard.common.charts import (
    add_cumulative,
    cumulative_counts,
    increments_of_series,
    style_counts_figure,
)

__all__ = ["live_counts_figure"]


def live_counts_figure(rows: Sequence[Mapping[str, Any]], now_s: float) -> go.Figure:
    """Cumulative IN and OUT as steps from 0 to `now_s` seconds of the session."""
    figure = add_cumulative(go.Figure(), cumulative_counts(increments_of_series(rows), now_s))
    figure.update_layout(uirevision="live")  # zoom and legend clicks survive refreshes
    return style_counts_figure(figure, title="IN and OUT since the start",
                               y_title="count so far", x_title="time since the start (s)",
                               empty_text="Nothing counted yet", height=320)
