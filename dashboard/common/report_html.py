"""The building blocks of a self-contained HTML report (a run's, a camera period's).

Invariants: a page made of these needs nothing but itself: plotly.js is inlined once
in the head, images are data URLs, no tag refers to another address, so opening the
file makes no request and works offline. Every piece of user text goes through
`text` (HTML) or `escaped_labels` (Plotly titles and legends, which Plotly reads as
HTML).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from functools import cache

import plotly.graph_objects as go
import plotly.offline

__all__ = ["STYLE", "card_row", "escaped_labels", "figure_html", "page", "plotly_js",
           "png_image", "text"]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;
max-width:1100px;padding:0 16px;color:#1f2328}
h1{margin-bottom:4px}.meta{color:#59636e;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:120px}
.card .label{color:#59636e;font-size:14px}.card .value{font-size:28px;font-weight:600}
.card .delta{color:#59636e;font-size:13px}
img.heat{max-width:100%;border-radius:8px}
table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #eaeef2;
padding:4px 10px;text-align:left}.note{color:#59636e;font-size:14px}
"""
FOOTER = ("Made by the video heatmap dashboard. The charts are interactive: hover for "
          "values, drag to zoom, double-click to reset.")


@cache
def plotly_js() -> str:
    """plotly.js, safe to put inside a <script> element."""
    return plotly.offline.get_plotlyjs().replace("</script", "<\\/script")


def text(value: object) -> str:
    """`value` as literal HTML text (attributes included)."""
    return html.escape(str(value), quote=True)


def page(title: str, body: Iterable[str]) -> str:
    """A whole document titled `title` (user text: escaped here) around `body` (HTML
    made of these blocks), with plotly.js inlined."""
    return "\n".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{text(title)}</title><style>{STYLE}</style>",
        f"<script>{plotly_js()}</script></head><body>",
        *body,
        f"<p class='note'>{text(FOOTER)}</p>",
        "</body></html>",
    ])


def card_row(cards: Sequence[tuple[str, object, str, str | None]]) -> str:
    """Number cards: (label, value, help shown on hover, a line under the value or None)."""
    html_cards = "".join(
        f"<div class='card' title='{text(help_text)}'><div class='label'>{text(label)}</div>"
        f"<div class='value'>{text(value)}</div>"
        + (f"<div class='delta'>{text(delta)}</div>" if delta else "") + "</div>"
        for label, value, help_text, delta in cards)
    return f"<div class='cards'>{html_cards}</div>"


def png_image(png: bytes, alt: str) -> str:
    """An <img> carrying `png` inside itself (a data URL)."""
    data = base64.b64encode(png).decode("ascii")
    return f"<img class='heat' alt='{text(alt)}' src='data:image/png;base64,{data}'>"


def escaped_labels(figure: go.Figure) -> go.Figure:
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


def figure_html(figure: go.Figure) -> str:
    """A figure as a <div> and its script (plotly.js comes from `page`'s head)."""
    return str(figure.to_html(full_html=False, include_plotlyjs=False,
                              config={"displaylogo": False, "responsive": True}))
