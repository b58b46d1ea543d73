"""A camera's period as one self-contained HTML file, to mail to someone: the cards,
IN and OUT per interval and so far, occupancy, the busiest hours, the heatmap of the
period and dwell time in each zone.

Built from `dashboard.common.report_html` (the blocks of a run's report): plotly.js
inlined, the heatmap a data URL, so opening it makes no request. User text (the
camera's name, region and zone names, gap reasons) is escaped: in HTML by `text`, in
the charts by `chart_text` where the figures are made (not twice).
"""

from __future__ import annotations

from dashboard.cameras.analytics import (
    PEAK_HELP,
    busiest_hours_figure,
    occupancy_figure,
    step_label,
)
from dashboard.cameras.dwell import dwell_figure, dwell_table
from dashboard.cameras.history import cumulative_figure, interval_figure
from dashboard.cameras.period import PeriodView
from dashboard.common.report_html import card_row, figure_html, page, png_image, text
from dashboard.common.text import CARD_HELP

__all__ = ["MAX_GAP_ROWS", "camera_report"]

MAX_GAP_ROWS = 200


def camera_report(view: PeriodView) -> str:
    """The whole report of `view`, titled with the camera's name."""
    table = view.table
    figures = [interval_figure(table, view.step, step_label(view.step)),
               cumulative_figure(table), occupancy_figure(table, view.capacity),
               busiest_hours_figure(view.busiest)]
    region = "all regions" if view.region is None else f"region {view.region}"
    return page(f"{view.camera}: {view.period}", [
        f"<h1>{text(view.camera)}</h1>",
        f"<p class='meta'>{text(view.describe())}, {text(region)}; "
        f"counted for {text(_duration(view.totals.counted_s))}.</p>",
        _cards(view),
        "<h2>Counts over time</h2>",
        "<p class='note'>Times the camera did not count are left empty in every chart, "
        "never drawn as zero.</p>",
        *(figure_html(figure) for figure in figures),
        "<h2>Heatmap of the period</h2>",
        png_image(view.heat_png, "Heatmap of the period") if view.heat_png else "",
        f"<p class='note'>{text(view.heat_note)}</p>",
        "<h2>Time spent in each zone</h2>", _dwell(view),
        "<h2>Not counted</h2>", _gaps(view),
    ])


def _cards(view: PeriodView) -> str:
    now, before = view.totals, view.previous

    def change(value: int, previous: int) -> str | None:
        return f"{value - previous:+d} vs the period before" if before.counted_s else None

    peak_at = f" at {now.peak_at:%a %d %b %H:%M}" if now.peak_at else ""
    return card_row([
        ("In", now.in_count, CARD_HELP["In"], change(now.in_count, before.in_count)),
        ("Out", now.out_count, CARD_HELP["Out"], change(now.out_count, before.out_count)),
        ("Net", now.in_count - now.out_count, "In minus Out over the period.", None),
        ("Peak inside", now.peak_inside, f"{PEAK_HELP}.",
         peak_at.strip() or None),
    ])


def _dwell(view: PeriodView) -> str:
    if not view.dwell:
        return "<p class='note'>No visit of a zone ended in this period.</p>"
    rows = "".join(
        f"<tr><td>{text(row.zone)}</td><td>{int(row.visits)}</td>"
        f"<td>{row.median_s:.1f} s</td><td>{row.p90_s:.1f} s</td></tr>"
        for row in dwell_table(view.dwell).itertuples(index=False))
    return ("<table><thead><tr><th>zone</th><th>visits</th><th>median</th>"
            f"<th>90th percentile</th></tr></thead><tbody>{rows}</tbody></table>"
            + figure_html(dwell_figure(view.dwell)))


def _gaps(view: PeriodView) -> str:
    if not view.gaps:
        return "<p class='note'>The camera counted all along (no gap stored).</p>"
    rows = "".join(
        f"<tr><td>{g.start.astimezone(view.zone):%d %b %Y %H:%M}</td>"
        f"<td>{g.end.astimezone(view.zone):%d %b %Y %H:%M}</td><td>{text(g.reason)}</td></tr>"
        for g in view.gaps[:MAX_GAP_ROWS])
    return ("<table><thead><tr><th>from</th><th>to</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _duration(seconds: float) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min"
