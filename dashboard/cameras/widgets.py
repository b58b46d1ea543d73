"""The Cameras page: every camera with its state at a glance (Start, Stop, Remove, its
dashboard), and the form that adds one: a name, the stream's address, a snapshot to
draw the counting region on, and the sidebar's model and settings.

With sign-in, the list holds the viewer's own cameras and the ones shared with them
(a live link they opened, signed in: revoked or expired, the camera leaves the list at
the next refresh); a shared one is marked so, with its dashboard and no controls, not
even its redacted address. Admins list and manage every camera. Each action asks
again, when it acts, whether the viewer may change the camera.

Cameras run in workers (see `workers`), not in this page: leaving the page or closing
the browser changes nothing. The stream's address is never shown back (it may hold a
password): states carry the redacted one.
"""

from __future__ import annotations

from datetime import tzinfo

import numpy as np
import numpy.typing as npt
import streamlit as st

from dashboard import runtime
from dashboard.access.rules import audience, can_manage
from dashboard.access.widgets import camera_limit_note, current_viewer
from dashboard.analysis.settings import AnalysisSettings
from dashboard.cameras.alerts_widgets import alert_inputs, read_alert_inputs, reset_alert_inputs
from dashboard.common.links import CAMERA_PAGE, CAMERA_PARAM
from dashboard.common.text import SETTINGS_PLACE, plain
from dashboard.regions.widgets import region_editor, region_now
from dashboard.runs.words import viewer_zone
from heatmap_core import Region
from workers import HEATMAP_OPTIONS, CameraConfig, CameraState, StreamError, grab_frame

__all__ = ["KEY", "add_camera_form", "camera_list"]

KEY = "cameras"
_SNAPSHOT = "cameras_new_frame"  # the frame the new camera's region is drawn on
_NOTICE = "cameras_notice"
_BADGES = {"running": ("green", ":material/check_circle:"),
           "connecting": ("blue", ":material/hourglass_top:"),
           "reconnecting": ("orange", ":material/sync_problem:"),
           "stopped": ("gray", ":material/stop_circle:"),
           "failed": ("red", ":material/error:")}


def camera_list() -> None:
    """Every camera the viewer may see, oldest first, with its state and what they may
    do with it."""
    _notice()
    _states()


@st.fragment(run_every=2.0)
def _states() -> None:
    """The rows, redrawn every two seconds on their own: states change by themselves."""
    viewer = current_viewer()
    allowed = audience(viewer)
    try:
        states = runtime.cameras().states(**allowed) if allowed is not None else []
    except Exception as error:  # the database or the cluster: say so, keep the page
        st.error(f"The cameras cannot be read right now ({runtime.trouble(error)}). Try "
                 "again in a moment.")
        return
    if not states:
        st.info("No camera yet: add one below. It keeps running on this server, with no "
                "browser open.", icon=":material/videocam:")
        return
    zone = viewer_zone(st.context.timezone)
    for state in states:
        _camera_row(state, zone, can_manage(viewer, state.owner))


def add_camera_form(settings: AnalysisSettings) -> None:
    """Name, address, snapshot and region; Add (and start) with the sidebar's settings."""
    st.subheader("Add a camera")
    name_col, url_col = st.columns([1, 2])
    name_col.text_input("Name", key=f"{KEY}_name", max_chars=100,
                        placeholder="Front door", help="How the camera is listed.")
    url_col.text_input(
        "Stream address", key=f"{KEY}_url", type="password",
        placeholder="rtsp://user:password@192.168.1.20:554/stream1",
        help="rtsp://, rtsps://, http(s):// (HLS .m3u8, MJPEG) or a camera number on this "
             "server (0). A password in the address is kept on the server and never shown.")
    transport = st.radio("RTSP over", ("tcp", "udp"), horizontal=True, key=f"{KEY}_transport",
                         help="TCP gets through firewalls and loses no packets; UDP has less "
                              "delay on a good network.")
    st.button("Take a snapshot from the stream", key=f"{KEY}_snapshot",
              icon=":material/photo_camera:", on_click=_take_snapshot,
              help="Read one frame from the stream, to draw the counting region on it.")
    frame: npt.NDArray[np.uint8] | None = st.session_state.get(_SNAPSHOT)
    if frame is not None:
        drawn = region_editor(frame, key=_region_key(frame))
        if not drawn.ready:
            st.caption("Finish or clear the region to add the camera.")
        ready = drawn.ready
    else:
        st.caption("Take a snapshot to draw where to count (you can also add a camera "
                   "that only makes a heatmap).")
        ready = True
    alert_inputs()
    if settings.model is None:
        st.caption(f"Choose a model that loads in {SETTINGS_PLACE} to add a camera.")
    st.button("Add and start", type="primary", key=f"{KEY}_add", icon=":material/add:",
              disabled=not ready or settings.model is None, on_click=_add,
              args=(settings, str(transport)),
              help="Save the camera and start analysing its stream on this server.")


def _camera_row(state: CameraState, zone: tzinfo, manage: bool) -> None:
    """One camera; `manage`: with its address and controls (else shared: neither)."""
    color, icon = _BADGES[state.status]
    with st.container(border=True, key=f"{KEY}_row_{state.camera_id}"):
        about_col, state_col, actions_col = st.columns([2, 2.2, 2.8],
                                                       vertical_alignment="center")
        with about_col:
            st.page_link(CAMERA_PAGE, label=plain(state.name), icon=":material/dashboard:",
                         query_params={CAMERA_PARAM: state.camera_id})
            st.caption(plain(state.url) if manage else "Shared with you: view only.")
        with state_col:
            st.badge(state.status, icon=icon, color=color)  # type: ignore[arg-type]
            st.caption(plain(state.describe(zone)))
        if not manage:
            return
        with actions_col:
            start_col, stop_col, remove_col = st.columns(3)
            running = state.status in ("running", "connecting", "reconnecting")
            start_col.button("Start", key=f"{KEY}_start_{state.camera_id}", disabled=running,
                             on_click=_act, args=("start", state.camera_id, state.name),
                             width="stretch")
            stop_col.button("Stop", key=f"{KEY}_stop_{state.camera_id}", disabled=not running,
                            on_click=_act, args=("stop", state.camera_id, state.name),
                            width="stretch")
            with remove_col.popover("Remove", width="stretch"):
                st.markdown(f"Remove **{plain(state.name)}** and everything it counted? "
                            "This cannot be undone.")
                st.button("Remove for good", type="primary",
                          key=f"{KEY}_remove_{state.camera_id}", on_click=_act,
                          args=("remove", state.camera_id, state.name))


# -- callbacks: they run before the page is drawn ----------------------------------

def _take_snapshot() -> None:
    url = str(st.session_state.get(f"{KEY}_url", "")).strip()
    if not url:
        _say("error", "Type the stream's address first.")
        return
    try:
        st.session_state[_SNAPSHOT] = grab_frame(
            url, rtsp_transport=str(st.session_state.get(f"{KEY}_transport", "tcp")))
    except StreamError as error:
        _say("error", f"No snapshot: {error.message}")
    except ValueError as error:  # not an address at all
        _say("error", f"No snapshot: {error}")


def _region_key(frame: npt.NDArray[np.uint8]) -> str:
    height, width = frame.shape[:2]
    return f"{KEY}_region_{width}x{height}"


def _add(settings: AnalysisSettings, transport: str) -> None:
    name = str(st.session_state.get(f"{KEY}_name", "")).strip()
    url = str(st.session_state.get(f"{KEY}_url", "")).strip()
    if settings.model is None:
        return
    frame: npt.NDArray[np.uint8] | None = st.session_state.get(_SNAPSHOT)
    region: Region | None = None
    if frame is not None:  # as typed now, not as the button's drawing had it
        drawn = region_now(frame, _region_key(frame))
        if not drawn.ready:
            return
        region = drawn.region
    options = {key: value for key, value in settings.heatmap_options().items()
               if key in HEATMAP_OPTIONS and value is not None}
    try:
        alerts, webhook = read_alert_inputs()
        config = CameraConfig(name=name, url=url, model=settings.model.weights,
                              regions=(region,) if region is not None else (),
                              rtsp_transport="udp" if transport == "udp" else "tcp",
                              options=options, alerts=alerts, webhook=webhook)
    except ValueError as error:
        _say("error", f"Not added: {error}.")
        return
    cameras = runtime.cameras()
    viewer = current_viewer()
    try:
        refused = camera_limit_note(viewer, len(cameras.store.list(viewer.id))
                                    if viewer.id else 0)
        if refused:
            _say("error", f"Not added: {refused}")
            return
        camera_id = cameras.add_camera(config, owner=viewer.id)
        cameras.start(camera_id)
    except Exception as error:  # the cluster or the database: the form stays filled in
        _say("error", f"The camera could not be started ({runtime.trouble(error)}): try "
                      "again in a moment.")
        return
    st.session_state[f"{KEY}_name"] = st.session_state[f"{KEY}_url"] = ""  # typed: cleared
    st.session_state.pop(_SNAPSHOT, None)
    reset_alert_inputs()
    _say("success", f"Added **{plain(name)}**: it is connecting to the stream.")


def _act(action: str, camera_id: str, name: str) -> None:
    cameras = runtime.cameras()
    try:
        record = cameras.store.get(camera_id)
        if record is not None and not can_manage(current_viewer(), record.owner):
            _say("error", "Only the camera's owner (or an admin) can change it.")
            return
        getattr(cameras, action)(camera_id)
    except Exception as error:
        _say("error", f"Could not {action} {plain(name)} ({runtime.trouble(error)}): try "
                      "again.")
        return
    done = {"start": "Starting", "stop": "Stopped", "remove": "Removed"}[action]
    _say("success", f"{done} **{plain(name)}**.")


def _say(kind: str, text: str) -> None:
    st.session_state[_NOTICE] = (kind, text)


def _notice() -> None:
    kind, text = st.session_state.pop(_NOTICE, (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text)
