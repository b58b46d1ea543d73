"""A camera's own dashboard, at `/?camera=<id>`: its state and live view, today's
counts, and IN and OUT per interval over a chosen period, gaps shown as gaps. Drawn
from the camera's worker and the store alone, so the link works in any browser.

The live part refreshes every LIVE_EVERY_S while the camera runs or is starting, and
every IDLE_EVERY_S while it is stopped or failed (nothing moves then): each is its own
fragment, as a fragment's period is fixed, and one that finds the camera of the other
kind reruns the page, which then draws the other (`_refresh_s` decides, for both).

With sign-in, the dashboard is for the camera's owner, an admin, and whoever holds a
live share link (`/?camera=<id>&token=<token>`, or a signed-in person who opened one):
those see it read-only, and the live view and every download ask again (`may_view`),
so a revoked link stops working at once, in an open page too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import (
    LINK_GONE,
    checked_download,
    current_viewer,
    may_manage,
    may_view,
    share_panel,
)
from dashboard.cameras.alerts_widgets import alert_list
from dashboard.cameras.analytics import (
    PEAK_HELP,
    PERIODS,
    PeriodTotals,
    busiest_hours_figure,
    occupancy_figure,
    period_window,
    step_label,
)
from dashboard.cameras.dwell import dwell_figure, dwell_table
from dashboard.cameras.exports import period_xlsx
from dashboard.cameras.history import cumulative_figure, interval_figure, totals
from dashboard.cameras.period import PeriodView, bucket_seconds, load_period
from dashboard.cameras.report import camera_report
from dashboard.common.links import CAMERA_PARAM, CAMERAS_PAGE
from dashboard.common.text import CARD_HELP, clock_text, plain
from dashboard.common.widgets import copy_link, current_link
from dashboard.runs.words import viewer_zone
from run_store import CameraNotFound, InvalidCameraId
from workers import StreamError

__all__ = ["NOT_FOUND", "show_camera"]

NOT_FOUND = "This camera does not exist or was removed."
KEY = "camera"
LIVE_EVERY_S = 1.0  # the live part of a camera running or starting: its live view
IDLE_EVERY_S = 5.0  # of one stopped or failed: to notice a start, or a revoked link
INSIDE_NOW_HELP = ("Objects inside the zones in the newest stored minute, all zones added "
                   "up (lines hold none): never more than Peak inside.")


def show_camera(camera_id: str | None, token: str | None = None) -> None:
    """The dashboard of `camera_id` (text from a link: checked here), or a clear message
    with the way to the list of cameras. With sign-in, only for whom may see it (see
    the module's docstring); anyone else learns no more than that there is no such
    camera, and a share link (`token`) that no longer works says so."""
    cameras = runtime.cameras()
    viewer = current_viewer()
    try:
        record = cameras.store.get(camera_id or "")
        allowed = may_view(cameras.store, record, viewer, token) if record else False
        if allowed is None:
            st.error(f"{LINK_GONE} Ask the person who shared it for a new one.",
                     icon=":material/link_off:")
            return
        if record is None or not allowed:
            raise CameraNotFound(camera_id or "")  # the same answer as for no such camera
        state = cameras.state(record.id)
    except (CameraNotFound, InvalidCameraId):
        st.error(f"{NOT_FOUND} Check the link, or find it in the list of cameras.",
                 icon=":material/link_off:")
        st.page_link(CAMERAS_PAGE, label="All cameras", icon=":material/videocam:")
        return
    except runtime.STORE_ERRORS:
        st.error("The cameras cannot be read right now. Try again in a moment.")
        return
    access = partial(may_view, cameras.store, record, viewer, token)
    st.title(plain(state.name))
    if not viewer.sign_in:
        st.caption(plain(state.url))
        with st.expander("Share this dashboard", icon=":material/link:"):
            st.caption("Anyone with this link sees this camera's dashboard.")
            copy_link(current_link(CAMERA_PARAM, state.camera_id))
    elif may_manage(record, viewer):
        st.caption(plain(state.url))
        with st.expander("Share this dashboard", icon=":material/link:"):
            share_panel(cameras.store, record, CAMERA_PARAM)
    else:  # not even the camera's redacted address: only what it counts
        st.caption("Shared with you: you can look, not change.")
    if _refresh_s(state.status) == LIVE_EVERY_S:
        _live_fast(state.camera_id, access)
    else:
        _live_idle(state.camera_id, access)
    _history(state.camera_id, state.name, record.settings.get("options", {}),
             state.status == "running", access)
    alert_list(state.camera_id, viewer_zone(st.context.timezone))
    st.page_link(CAMERAS_PAGE, label="All cameras", icon=":material/videocam:")


def _refresh_s(status: str) -> float:
    """How often the live part asks again: often while there is something to see (a
    live view, a camera connecting), seldom while stopped or failed, still soon enough
    to see it start again, or a share link revoked, within IDLE_EVERY_S."""
    return IDLE_EVERY_S if status in ("stopped", "failed") else LIVE_EVERY_S


@st.fragment(run_every=LIVE_EVERY_S)
def _live_fast(camera_id: str, access: Callable[[], bool | None]) -> None:
    _live(camera_id, access, LIVE_EVERY_S)


@st.fragment(run_every=IDLE_EVERY_S)
def _live_idle(camera_id: str, access: Callable[[], bool | None]) -> None:
    _live(camera_id, access, IDLE_EVERY_S)


def _live(camera_id: str, access: Callable[[], bool | None], every_s: float) -> None:
    """The state, the live view and today's cards, inside a fragment that reruns
    every `every_s`; the whole page reruns when the camera needs the other period."""
    cameras = runtime.cameras()
    try:
        if access() is not True:  # revoked or expired since the page was drawn
            st.error(f"{LINK_GONE} Ask the person who shared it for a new one.",
                     icon=":material/link_off:")
            return
        state = cameras.state(camera_id)
    except CameraNotFound:
        st.warning(NOT_FOUND)
        return
    if _refresh_s(state.status) != every_s:  # started, or stopped: the other fragment
        st.rerun()
    zone = viewer_zone(st.context.timezone)
    line = state.describe(zone)
    status = f"**{plain(line[:1].upper() + line[1:])}**"
    if state.status == "running":
        st.success(status, icon=":material/check_circle:")
    elif state.status in ("connecting", "reconnecting"):
        st.warning(status, icon=":material/sync_problem:")
    elif state.status == "failed":
        st.error(status)
    else:
        st.info(status, icon=":material/stop_circle:")
    midnight = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    today = totals(cameras.store.intervals(camera_id, since=midnight.astimezone(timezone.utc)))
    view_col, cards_col = st.columns([3, 2], gap="medium")
    with view_col:
        view = cameras.live_view(camera_id) if state.status == "running" else None
        if view is not None:
            st.image(view, caption="Live view, about once a second", width="stretch")
        else:
            again = f" (looked at again every {every_s:.0f} s)" if every_s > LIVE_EVERY_S else ""
            st.caption(f"No live view: the camera is not running{again}.")
    with cards_col:
        st.markdown("**Today** (stored each minute)")
        cards = (("In", today.in_count, CARD_HELP["In"]),
                 ("Out", today.out_count, CARD_HELP["Out"]),
                 ("Inside now", today.inside_now, INSIDE_NOW_HELP),
                 ("Peak inside", today.peak_inside, f"{PEAK_HELP} today."))
        for row in (cards[:2], cards[2:]):
            for column, (label, value, help_text) in zip(st.columns(2), row, strict=True):
                column.metric(label, value, help=help_text, border=True)
        st.caption(f"Counted for {clock_text(today.counted_s)} today.")


def _history(camera_id: str, name: str, options: dict[str, object], running: bool,
             access: Callable[[], bool | None]) -> None:
    """The camera's counts over a chosen period, in the viewer's time zone."""
    st.subheader("Over time")
    zone = viewer_zone(st.context.timezone)
    # The period on a row of its own, wrapping on a phone: beside the other controls
    # its last option and both days of the Days field were cut off at 1400 px.
    period = st.segmented_control("Period", PERIODS, default="Today", key=f"{KEY}_period",
                                  wrap=True) or "Today"
    days_col, region_col, capacity_col = st.columns([3, 2, 1.4], vertical_alignment="bottom")
    days = days_col.date_input("Days", value=[], key=f"{KEY}_days", format="YYYY-MM-DD",
                               disabled=period != "Chosen days",
                               help="With Chosen days: the first and the last day.")
    picked = tuple(days) if isinstance(days, (tuple, list)) else ()
    if period == "Chosen days" and not picked:
        st.info("Pick the first and the last day.")
        return
    since, until = period_window(period, zone, datetime.now(timezone.utc),
                                 picked[0] if picked else None,
                                 picked[-1] if picked else None)
    store = runtime.cameras().store
    buckets = store.buckets(camera_id, since, until, bucket_seconds(since, until))
    regions = sorted({b.region for b in buckets})
    region = region_col.selectbox("Region", ["All regions", *regions], key=f"{KEY}_region")
    capacity = capacity_col.number_input("Capacity", min_value=0, value=0, step=1,
                                         key=f"{KEY}_capacity",
                                         help="Drawn on the occupancy chart; 0: none.")
    chosen = None if region == "All regions" else str(region)
    view = load_period(store, camera_id, camera=name, period=str(period), since=since,
                       until=until, zone=zone, region=chosen, capacity=int(capacity) or None,
                       frame=_scene(camera_id) if running else None, options=options,
                       buckets=buckets)
    table, step = view.table, view.step
    _period_cards(view.totals, view.previous)
    per_step, cumulative, occupancy, busiest, heat, dwell = st.tabs(
        ["Per interval", "Cumulative", "Occupancy", "Busiest hours", "Heatmap", "Dwell"])
    with per_step:
        st.plotly_chart(interval_figure(table, step, step_label(step)), key=f"{KEY}_bars")
    with cumulative:
        st.plotly_chart(cumulative_figure(table), key=f"{KEY}_cumulative")
    with occupancy:
        st.plotly_chart(occupancy_figure(table, view.capacity), key=f"{KEY}_occupancy")
    with busiest:
        st.plotly_chart(busiest_hours_figure(view.busiest), key=f"{KEY}_busiest")
        st.caption("Average IN + OUT in each hour of each weekday of the period, over the "
                   "hours the camera counted.")
    with heat:
        if view.heat_png:
            st.image(view.heat_png, width="stretch", caption="Heatmap of the period")
        st.caption(view.heat_note)
    with dwell:
        _dwell(view)
    gaps = view.gaps
    if gaps:
        st.caption("Not counted (gaps in the charts): " + "; ".join(
            f"{g.start.astimezone(zone):%d %b %H:%M} to {g.end.astimezone(zone):%H:%M} "
            f"({plain(g.reason)})" for g in gaps[-5:]) + ".")
    _exports(camera_id, view, access)


def _period_cards(now: PeriodTotals, previous: PeriodTotals) -> None:
    def change(value: int, before: int) -> str | None:
        return f"{value - before:+d} vs the period before" if previous.counted_s else None

    peak_at = f" at {now.peak_at:%a %H:%M}" if now.peak_at else ""
    cards = (("In", now.in_count, change(now.in_count, previous.in_count), CARD_HELP["In"]),
             ("Out", now.out_count, change(now.out_count, previous.out_count),
              CARD_HELP["Out"]),
             ("Net", now.in_count - now.out_count, None, "In minus Out over the period."),
             ("Peak inside", now.peak_inside, None, f"{PEAK_HELP}{peak_at}."))
    for column, (label, value, delta, help_text) in zip(st.columns(4), cards, strict=True):
        column.metric(label, value, delta=delta, help=help_text, border=True,
                      delta_color="off")


def _scene(camera_id: str) -> np.ndarray | None:
    """The running camera's newest frame, to draw the period's heat on."""
    try:
        return runtime.cameras().snapshot(camera_id)
    except (CameraNotFound, StreamError):
        return None


def _dwell(view: PeriodView) -> None:
    if not view.dwell:
        st.caption("No visit of a zone ended in this period (dwell is kept 30 days).")
        return
    st.dataframe(dwell_table(view.dwell), hide_index=True, column_config={
        "median_s": st.column_config.NumberColumn("median", format="%.1f s"),
        "p90_s": st.column_config.NumberColumn("90th percentile", format="%.1f s")})
    st.plotly_chart(dwell_figure(view.dwell), key=f"{KEY}_dwell")


def _exports(camera_id: str, view: PeriodView, access: Callable[[], bool | None]) -> None:
    """The downloads of the period. What is made when clicked is made only after
    `access` says yes again (`checked_download`)."""
    since, until, table = view.since, view.until, view.table
    csv_col, xlsx_col, events_col, report_col = st.columns(4)
    xlsx_col.download_button(
        "Intervals .xlsx", data=checked_download(access, partial(period_xlsx, view)),
        file_name="intervals.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{KEY}_intervals_xlsx", on_click="ignore", icon=":material/download:",
        width="stretch", help="A sheet per view: intervals per region and class, "
                              "occupancy, busiest hours, dwell (empty cells: not counted).")
    report_col.download_button(
        "Report .html", data=checked_download(access, partial(_report, view)),
        file_name="camera-report.html",
        mime="text/html", key=f"{KEY}_report", on_click="ignore",
        icon=":material/download:", width="stretch",
        help="This period's dashboard in one file: open it in any browser, offline; "
             "the charts stay interactive.")
    csv_col.download_button(
        "Intervals .csv", data=table.to_csv(index=False).encode(),
        file_name="intervals.csv", mime="text/csv", key=f"{KEY}_intervals_csv",
        on_click="ignore", icon=":material/download:", width="stretch",
        help="IN, OUT, net and most inside per interval of the period (empty: not counted).")
    events_col.download_button(
        "Events .csv",
        data=checked_download(access, partial(_events_csv, camera_id, since, until)),
        file_name="events.csv", mime="text/csv", key=f"{KEY}_events_csv", on_click="ignore",
        icon=":material/download:", width="stretch",
        help="One row per counted crossing in the period (events are kept 14 days).")


def _report(view: PeriodView) -> bytes:
    return camera_report(view).encode()


def _events_csv(camera_id: str, since: datetime, until: datetime) -> bytes:
    events = runtime.cameras().store.events(camera_id, since=since, until=until)
    return pd.DataFrame([{"time": e.at.isoformat(), "region": e.region, "class": e.class_name,
                          "direction": e.direction, "track_id": e.track_id}
                         for e in events],
                        columns=["time", "region", "class", "direction", "track_id"]
                        ).to_csv(index=False).encode()
