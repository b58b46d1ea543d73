"""A run's dashboard as one self-contained HTML file, to mail to someone.

Everything is inside the file: the numbers, the heatmap (a PNG as a data URL), the
charts (Plotly figures with plotly.js inlined, still interactive) and the count events.
Opening it makes no request to any server, so it works offline and leaks nothing about
who reads it. User-given text (the run's name, the video's name, class names) is
escaped everywhere, chart titles and legends included.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from dashboard.common.text import CARD_HELP
from dashboard.runs import charts
from dashboard.runs.result import RunResult, zone_dwells

__all__ = ["MAX_EVENT_ROWS", "html_report"]

MAX_EVENT_ROWS = 5000  # the events table in the report; events.csv has them all
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;
max-width:1100px;padding:0 16px;color:#1f2328}
h1{margin-bottom:4px}.meta{color:#59636e;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:120px}
.card .label{color:#59636e;font-size:14px}.card .value{font-size:28px;font-weight:600}
img.heat{max-width:100%;border-radius:8px}
table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #eaeef2;
padding:4px 10px;text-align:left}.note{color:#59636e;font-size:14px}
"""


def html_report(result: RunResult, title: str) -> str:
    """The whole report for `result`, titled `title` (the run's name)."""
    summary = result.summary
    duration = float(summary["duration_s"])
    figures = [charts.cumulative_figure(result.events, duration),
               charts.interval_figure(result.events, charts.default_bin_s(duration),
                                      duration),
               charts.class_figure(result.events)]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_text(title)}</title><style>{_STYLE}</style>",
        f"<script>{_plotly_js()}</script></head><body>",
        f"<h1>{_text(title)}</h1>",
        f"<p class='meta'>{_text(_about(summary))}</p>",
        _cards(summary),
        *(f"<p class='note'>{_text(line)}</p>" for line in _notes(summary)),
        "<h2>Heatmap over the scene</h2>", _heat_image(result),
        "<h2>Counts over time</h2>",
        *(_figure_html(_escaped_labels(figure)) for figure in figures),
        "<h2>Count events</h2>", _events_table(result.events),
        "<p class='note'>Made by the video heatmap dashboard. The charts are interactive: "
        "hover for values, drag to zoom, double-click to reset.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


@cache
def _plotly_js() -> str:
    return plotly.offline.get_plotlyjs().replace("</script", "<\\/script")


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _about(summary: Mapping[str, Any]) -> str:
    analysed = summary.get("frames_analysed", summary["frames"])
    return (f"{summary['source']}: {summary['frames']} frames ({summary['duration_s']:g} s of "
            f"video), {analysed} analysed with {summary['model']}; saved "
            f"{summary.get('created', '')}.")


def _cards(summary: Mapping[str, Any]) -> str:
    numbers = (("In", summary["in_count"]), ("Out", summary["out_count"]),
               ("Inside now", summary["inside"]), ("Tracks", summary["total_tracks"]))
    cards = "".join(f"<div class='card' title='{_text(CARD_HELP[label])}'>"
                    f"<div class='label'>{label}</div><div class='value'>{int(value)}</div>"
                    "</div>" for label, value in numbers)
    return f"<div class='cards'>{cards}</div>"


def _notes(summary: Mapping[str, Any]) -> list[str]:
    notes = []
    if summary.get("partial"):
        notes.append("Partial result: the analysis stopped part-way; everything here covers "
                     "the part analysed.")
    dwells = zone_dwells(summary)
    if dwells:
        notes.append("Time spent in each zone, per visit on average: " + "; ".join(
            f"{name} {seconds:.1f} s" if seconds is not None else f"{name}: no visit ended"
            for name, seconds in dwells) + ".")
    return notes


def _heat_image(result: RunResult) -> str:
    path = result.path("heatmap_png")
    if path is None or not path.is_file():
        return "<p class='note'>No heatmap image in this run.</p>"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img class='heat' alt='Heatmap over the scene' src='data:image/png;base64,{data}'>"


def _escaped_labels(figure: go.Figure) -> go.Figure:
    """Plotly draws titles and legend names as HTML: user text must be escaped."""
    for trace in figure.data:
        if trace.name:
            trace.name = html.escape(trace.name)
    if figure.layout.title.text:
        figure.layout.title.text = html.escape(figure.layout.title.text)
    if figure.layout.xaxis.type == "category" and figure.data:  # class names as ticks
        values = list(figure.data[0].x)
        figure.update_xaxes(tickvals=values, ticktext=[html.escape(str(v)) for v in values])
    return figure


def _figure_html(figure: go.Figure) -> str:
    return str(figure.to_html(full_html=False, include_plotlyjs=False,
                              config={"displaylogo": False, "responsive": True}))


def _events_table(events: pd.DataFrame) -> str:
    if events.empty:
        return "<p class='note'>Nothing was counted.</p>"
    shown = events.head(MAX_EVENT_ROWS)
    header = "".join(f"<th>{_text(column)}</th>" for column in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_text(value)}</td>" for value in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = (f"<p class='note'>The first {MAX_EVENT_ROWS} of {len(events)} events; "
            "events.csv has them all.</p>" if len(events) > MAX_EVENT_ROWS else "")
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>{more}"
