"""A run's dashboard as one self-contained HTML file, to mail to someone.

Everything is inside the file: the numbers, the heatmap (a PNG as a data URL), the
charts (Plotly figures with plotly.js inlined, still interactive) and the count events.
Opening it makes no request to any server, so it works offline and leaks nothing about
who reads it. User-given text (the run's name, the video's name, class names) is
escaped everywhere, chart titles and legends included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.common.report_html import (
    card_row,
    escaped_labels,
    figure_html,
    page,
    png_image,
    text,
)
from dashboard.common.text import CARD_HELP
from dashboard.runs import charts
from dashboard.runs.result import RunResult, zone_dwells

__all__ = ["MAX_EVENT_ROWS", "html_report"]

MAX_EVENT_ROWS = 5000  # the events table in the report; events.csv has them all


def html_report(result: RunResult, title: str) -> str:
    """The whole report for `result`, titled `title` (the run's name)."""
    summary = result.summary
    duration = float(summary["duration_s"])
    figures = [charts.cumulative_figure(result.events, duration),
               charts.interval_figure(result.events, charts.default_bin_s(duration),
                                      duration),
               charts.class_figure(result.events)]
    return page(title, [
        f"<h1>{text(title)}</h1>",
        f"<p class='meta'>{text(_about(summary))}</p>",
        _cards(summary),
        *(f"<p class='note'>{text(line)}</p>" for line in _notes(summary)),
        "<h2>Heatmap over the scene</h2>", _heat_image(result),
        "<h2>Counts over time</h2>",
        *(figure_html(escaped_labels(figure)) for figure in figures),
        "<h2>Count events</h2>", _events_table(result.events),
    ])


def _about(summary: Mapping[str, Any]) -> str:
    analysed = summary.get("frames_analysed", summary["frames"])
    return (f"{summary['source']}: {summary['frames']} frames ({summary['duration_s']:g} s of "
            f"video), {analysed} analysed with {summary['model']}; saved "
            f"{summary.get('created', '')}.")


def _cards(summary: Mapping[str, Any]) -> str:
    numbers = (("In", summary["in_count"]), ("Out", summary["out_count"]),
               ("Inside now", summary["inside"]), ("Tracks", summary["total_tracks"]))
    return card_row([(label, int(value), CARD_HELP[label], None)
                     for label, value in numbers])


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
    return png_image(path.read_bytes(), "Heatmap over the scene")


def _events_table(events: pd.DataFrame) -> str:
    if events.empty:
        return "<p class='note'>Nothing was counted.</p>"
    shown = events.head(MAX_EVENT_ROWS)
    header = "".join(f"<th>{text(column)}</th>" for column in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{text(value)}</td>" for value in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = (f"<p class='note'>The first {MAX_EVENT_ROWS} of {len(events)} events; "
            "events.csv has them all.</p>" if len(events) > MAX_EVENT_ROWS else "")
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>{more}"
