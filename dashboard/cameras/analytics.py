"""A camera's counts over days, as its dashboard answers the questions people ask of
them: how many per hour today, which hours are busiest, how full was the zone at its
peak, how does this period compare with the one before.

No Streamlit here. The database sums the stored intervals into UTC buckets
(`CameraStore.buckets`); this module puts them into the viewer's time zone. Days and
weekday-hours are taken in that zone from hourly buckets, so a day is a local day even
across a DST change (it then has 23 or 25 hours). A bucket nothing was counted in is a
gap (NaN), never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.common.charts import COLORS, phone_friendly, style_counts_figure
from run_store import Bucket

__all__ = ["PEAK_HELP", "PERIODS", "PeriodTotals", "busiest_hours", "busiest_hours_figure",
           "counts_table", "occupancy_figure", "period_window", "previous_window",
           "regions_summed",
           "step_for", "step_label", "totals_of"]

TOTAL = "*"
# The words for `regions_summed`'s peak, wherever a card shows it
PEAK_HELP = "The most objects inside the zones at once, all zones added up"
PERIODS = ("Today", "Yesterday", "Last 7 days", "Last 30 days", "Chosen days")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_STEPS = ((timedelta(hours=6), timedelta(minutes=5)), (timedelta(days=2), timedelta(minutes=15)),
          (timedelta(days=14), timedelta(hours=1)))


def period_window(period: str, zone: tzinfo, now: datetime, first: date | None = None,
                  last: date | None = None) -> tuple[datetime, datetime]:
    """[since, until) of a period in the viewer's `zone`, from midnight to midnight
    (local); "Chosen days" runs from `first` to the end of `last`."""
    today = now.astimezone(zone).date()
    if period == "Today":
        first, last = today, today
    elif period == "Yesterday":
        first = last = today - timedelta(days=1)
    elif period == "Last 7 days":
        first, last = today - timedelta(days=6), today
    elif period == "Last 30 days":
        first, last = today - timedelta(days=29), today
    elif period != "Chosen days" or first is None:
        raise ValueError(f"unknown period {period!r}, or no days chosen")
    last = last or first
    if last < first:
        first, last = last, first
    return _midnight(first, zone), _midnight(last + timedelta(days=1), zone)


def previous_window(since: datetime, until: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The period of as many local days just before [since, until) (this week vs last)."""
    first, end = since.astimezone(zone).date(), until.astimezone(zone).date()
    days = max(1, (end - first).days)
    return _midnight(first - timedelta(days=days), zone), _midnight(first, zone)


def step_for(since: datetime, until: datetime) -> timedelta:
    """One bar per 5 min up to 6 h, per 15 min up to 2 days, per hour up to 14 days,
    else per day."""
    span = until - since
    return next((step for limit, step in _STEPS if span <= limit), timedelta(days=1))


def step_label(step: timedelta) -> str:
    minutes = int(step.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    return "hour" if minutes == 60 else "day" if minutes == 1440 else f"{minutes // 60} h"


def counts_table(buckets: Sequence[Bucket], since: datetime, until: datetime,
                 step: timedelta, zone: tzinfo, region: str | None = None) -> pd.DataFrame:
    """IN, OUT, net and peak inside per step (columns start, IN, OUT, net, peak,
    counted_s), `start` in the viewer's zone; uncounted steps are NaN. Buckets must
    be `step` long, or hourly when `step` is a day. `region` None sums every region."""
    rows = [b for b in buckets if b.class_name == TOTAL and region in (None, b.region)]
    if step >= timedelta(days=1):
        starts = [_midnight(d, zone) for d in _days(since, until, zone)]
        key = [_midnight(b.start.astimezone(zone).date(), zone) for b in rows]
    else:
        starts = list(pd.date_range(since, until, freq=step, inclusive="left").to_pydatetime())
        key = [b.start for b in rows]
    frame = pd.DataFrame({"start": starts})
    if rows:
        data = pd.DataFrame({"start": key, "region": [b.region for b in rows],
                             "IN": [b.in_count for b in rows],
                             "OUT": [b.out_count for b in rows],
                             "peak": [b.peak_inside for b in rows],
                             "counted_s": [b.seconds for b in rows]})
        frame = frame.merge(regions_summed(data), left_on="start", right_index=True,
                            how="left")
    else:
        frame = frame.assign(IN=np.nan, OUT=np.nan, peak=np.nan, counted_s=np.nan)
    frame["counted_s"] = frame["counted_s"].fillna(0.0)
    uncounted = frame["counted_s"] <= 0
    frame.loc[uncounted, ["IN", "OUT", "peak"]] = np.nan
    frame["net"] = frame["IN"] - frame["OUT"]
    frame["start"] = pd.to_datetime(frame["start"], utc=True).dt.tz_convert(zone)
    return frame[["start", "IN", "OUT", "net", "peak", "counted_s"]]


def regions_summed(rows: pd.DataFrame) -> pd.DataFrame:
    """Total rows (columns start, region, IN, OUT, peak, counted_s) as one row per
    start (the index). The one place these rules are written:

    - rows of one region and start add up first (a gap can split an interval in two):
      IN, OUT and counted time summed, the region's peak their max;
    - IN and OUT: every region's added;
    - peak ("inside the zones at once"): every region's peak added (a line's is 0), so
      the peak of a period is the max of these sums over its steps, and what is inside
      now is the newest step's sum: never more than the peak. Each zone's peak is its
      most in the step, so zones that were fullest at different moments of one step
      are added as if at once;
    - counted time: one region's, never their sum, because every region of a camera
      counts the same time.
    """
    per_region = rows.groupby(["start", "region"]).agg(
        IN=("IN", "sum"), OUT=("OUT", "sum"), peak=("peak", "max"),
        counted_s=("counted_s", "sum"))
    return per_region.groupby(level="start").agg(
        IN=("IN", "sum"), OUT=("OUT", "sum"), peak=("peak", "sum"),
        counted_s=("counted_s", "max"))


@dataclass(frozen=True)
class PeriodTotals:
    in_count: int
    out_count: int
    peak_inside: int
    peak_at: datetime | None  # the start of the step of the peak, in the viewer's zone
    counted_s: float


def totals_of(table: pd.DataFrame) -> PeriodTotals:
    counted = table[table["counted_s"] > 0]
    peak_row = counted.loc[counted["peak"].idxmax()] if not counted.empty and counted[
        "peak"].max() > 0 else None
    return PeriodTotals(int(counted["IN"].sum()), int(counted["OUT"].sum()),
                        int(peak_row["peak"]) if peak_row is not None else 0,
                        peak_row["start"].to_pydatetime() if peak_row is not None else None,
                        float(counted["counted_s"].sum()))


def busiest_hours(hourly: Sequence[Bucket], zone: tzinfo, region: str | None = None
                  ) -> pd.DataFrame:
    """Average IN + OUT per hour of each weekday (rows Mon..Sun, columns 0..23), over the
    counted hours only (an hour the camera was down does not pull the average to 0)."""
    rows = [b for b in hourly if b.class_name == TOTAL and region in (None, b.region)
            and b.seconds > 0]
    grid = pd.DataFrame(np.nan, index=list(WEEKDAYS), columns=list(range(24)))
    if not rows:
        return grid
    local = [b.start.astimezone(zone) for b in rows]
    data = pd.DataFrame({"day": [WEEKDAYS[t.weekday()] for t in local],
                         "hour": [t.hour for t in local],
                         "date": [t.date() for t in local],
                         "crossings": [b.in_count + b.out_count for b in rows]})
    per_hour = data.groupby(["day", "hour", "date"])["crossings"].sum()  # regions summed
    means = per_hour.groupby(["day", "hour"]).mean()
    for (day, hour), value in means.items():
        grid.loc[day, hour] = value
    return grid


def busiest_hours_figure(grid: pd.DataFrame) -> go.Figure:
    figure = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[f"{h:02d}" for h in grid.columns], y=list(grid.index),
        colorscale="YlOrRd", hoverongaps=False,
        # the lower part of the right side: the toolbar stands in the upper part
        colorbar={"len": 0.6, "y": 0, "yanchor": "bottom", "thickness": 12},
        hovertemplate="%{y} %{x}:00: %{z:.1f} crossings on average<extra></extra>"))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(title_text="Busiest hours (average IN + OUT)", height=320)
    figure.update_xaxes(title_text="hour of the day")
    return phone_friendly(figure)


def occupancy_figure(table: pd.DataFrame, capacity: int | None = None) -> go.Figure:
    """The most inside the zones per step (all zones added up, `regions_summed`), with
    the period's peak marked and an optional capacity line."""
    figure = go.Figure()
    figure.add_scatter(x=table["start"], y=table["peak"], mode="lines+markers",
                       name="most inside", line={"color": "#1971c2", "shape": "hv"},
                       connectgaps=False)
    totals = totals_of(table)
    if totals.peak_at is not None:
        figure.add_scatter(x=[totals.peak_at], y=[totals.peak_inside], mode="markers+text",
                           name="peak", text=[f"peak {totals.peak_inside}"],
                           textposition="top center",
                           marker={"size": 12, "color": COLORS["OUT"]})
    if capacity:
        figure.add_hline(y=capacity, line={"dash": "dash", "color": "#868e96"},
                         annotation_text=f"capacity {capacity}")
    return style_counts_figure(figure, title="Occupancy of the zones", y_title="inside",
                               x_title="time", empty_text="No zone, or nothing counted")


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), zone)


def _days(since: datetime, until: datetime, zone: tzinfo) -> list[date]:
    first, end = since.astimezone(zone).date(), until.astimezone(zone).date()
    return [first + timedelta(days=i) for i in range((end - first).days)]
