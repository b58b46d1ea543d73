"""A camera's own dashboard, at `/?camera=<id>`: its state and live view (refreshed
about once a second), today's counts, and IN and OUT per interval over a chosen period,
gaps shown as gaps. Drawn from the camera's worker and the store alone, so the link
works in any browser."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import streamlit as st

from dashboard import runtime
from dashboard.cameras.history import counts_per_interval, interval_figure, totals
from dashboard.common.links import CAMERA_PARAM, CAMERAS_PAGE
from dashboard.common.text import CARD_HELP, clock_text, plain
from dashboard.common.widgets import copy_link, current_link
from dashboard.runs.words import viewer_zone
from run_store import CameraNotFound, InvalidCameraId

__all__ = ["NOT_FOUND", "PERIODS", "show_camera"]

NOT_FOUND = "This camera does not exist or was removed."
PERIODS = {  # label: (how far back, one bar per)
    "Last hour": (timedelta(hours=1), timedelta(minutes=1)),
    "Last 24 hours": (timedelta(days=1), timedelta(minutes=15)),
    "Last 7 days": (timedelta(days=7), timedelta(hours=1)),
}
KEY = "camera"


def show_camera(camera_id: str | None) -> None:
    """The dashboard of `camera_id` (text from a link: checked here), or a clear message
    with the way to the list of cameras."""
    cameras = runtime.cameras()
    try:
        state = cameras.state(camera_id or "")
    except (CameraNotFound, InvalidCameraId):
        st.error(f"{NOT_FOUND} Check the link, or find it in the list of cameras.",
                 icon=":material/link_off:")
        st.page_link(CAMERAS_PAGE, label="All cameras", icon=":material/videocam:")
        return
    st.title(plain(state.name))
    st.caption(plain(state.url))
    with st.expander("Share this dashboard", icon=":material/link:"):
        st.caption("Anyone with this link sees this camera's dashboard.")
        copy_link(current_link(CAMERA_PARAM, state.camera_id))
    _live(state.camera_id)
    _history(state.camera_id)
    st.page_link(CAMERAS_PAGE, label="All cameras", icon=":material/videocam:")


@st.fragment(run_every=1.0)
def _live(camera_id: str) -> None:
    cameras = runtime.cameras()
    try:
        state = cameras.state(camera_id)
    except CameraNotFound:
        st.warning(NOT_FOUND)
        return
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
        view = cameras.live_view(camera_id)
        if view is not None:
            st.image(view, caption="Live view, about once a second", width="stretch")
        else:
            st.caption("No live view: the camera is not running.")
    with cards_col:
        st.markdown("**Today** (stored each minute)")
        cards = (("In", today.in_count, CARD_HELP["In"]),
                 ("Out", today.out_count, CARD_HELP["Out"]),
                 ("Inside now", today.inside_now, CARD_HELP["Inside now"]),
                 ("Peak inside", today.peak_inside, "The most objects inside the zones at "
                                                    "once today."))
        for row in (cards[:2], cards[2:]):
            for column, (label, value, help_text) in zip(st.columns(2), row, strict=True):
                column.metric(label, value, help=help_text, border=True)
        st.caption(f"Counted for {clock_text(today.counted_s)} today.")


def _history(camera_id: str) -> None:
    st.subheader("History")
    period = st.segmented_control("Period", tuple(PERIODS), default="Last 24 hours",
                                  key=f"{KEY}_period") or "Last 24 hours"
    back, step = PERIODS[period]
    zone = viewer_zone(st.context.timezone)
    now = datetime.now(timezone.utc)
    until = (now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    since = until - back
    since -= timedelta(seconds=since.timestamp() % step.total_seconds())
    store = runtime.cameras().store
    table = counts_per_interval(store.intervals(camera_id, since=since, until=until), since,
                                until, step, store.gaps(camera_id, since=since, until=until),
                                zone)
    st.plotly_chart(interval_figure(table, step), key=f"{KEY}_intervals")
    gaps = store.gaps(camera_id, since=since, until=until)
    if gaps:
        st.caption("Not counted (shown as gaps): " + "; ".join(
            f"{g.start.astimezone(zone):%d %b %H:%M} to {g.end.astimezone(zone):%H:%M} "
            f"({plain(g.reason)})" for g in gaps[-5:]) + ".")

