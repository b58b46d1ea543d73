"""The live page's widgets: the video box (streamlit-webrtc), the live cards and chart,
the session's buttons, the region drawn on a snapshot, and help for remote users.
Every change of state goes through `LiveState`'s methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st
import streamlit_webrtc as webrtc
from streamlit_webrtc.config import Translations

from dashboard import runtime
from dashboard.access.widgets import current_viewer, limit_note
from dashboard.analysis.settings import AnalysisSettings
from dashboard.common.text import SETTINGS_PLACE, clock_text
from dashboard.common.widgets import count_cards
from dashboard.live.charts import live_counts_figure
from dashboard.live.ice import ENV_VAR, EXAMPLE_JSON, EXAMPLE_TOML, IceConfig
from dashboard.live.session import LiveSession, LiveSnapshot
from dashboard.live.state import LiveState
from dashboard.regions.widgets import region_editor
from dashboard.runs.widgets import saved_run_notice, show_result
from heatmap_core import Heatmap, Region

__all__ = [
    "KEY",
    "camera_box",
    "configure",
    "ice_warning",
    "live_panel",
    "live_state",
    "region_section",
    "remote_help",
    "saved_section",
    "session_buttons",
]

KEY = "live"
STALL_S = 5.0  # no frame for this long while playing: the connection has dropped
CONNECT_S = 20.0  # no first frame after this long: the connection could not be made
CAMERA_HELP = """\
Press **START** under the video box to turn on your camera. If the box shows an error:
- **NotAllowedError**: the camera is blocked for this site. Allow it (the camera icon \
in the address bar), then press START.
- **NotFoundError**: no camera was found. Connect one, then press START.
- **NotReadableError**: another app is using the camera. Close it, then press START.
- **Media API not available**: open the page over https:// (or on localhost)."""
TRANSLATIONS: Translations = {  # the messages the video box shows in its device picker
    "device_ask_permission": "Allow this page to use your camera (the browser asks above).",
    "device_access_denied": "Camera access was denied. Allow the camera for this site (the "
                            "camera icon in the address bar), then press START again.",
    "device_not_available": "No camera could be opened: connect one, or close the app "
                            "that is using it, then press START again.",
    "media_api_not_available": "This browser offers no camera here: open the app over "
                               "https:// or on localhost.",
}


_STATE = "live_page"


def live_state() -> LiveState:
    """This session's live page state, made on first use."""
    if _STATE not in st.session_state:
        st.session_state[_STATE] = LiveState()
    state: LiveState = st.session_state[_STATE]
    return state


def ice_warning(ice: IceConfig) -> None:
    if ice.error:
        st.error(f"The ICE server setting is not valid, so none is used: {ice.error}. See "
                 "\"Serving this page to other computers\" below.")


def camera_box(state: LiveState, ice: IceConfig) -> Callable[[], bool]:
    """The video box: the browser's camera in, the annotated view back. Returns a way
    to ask, later, whether the camera is on."""
    context = webrtc.webrtc_streamer(
        key=f"{KEY}_camera", mode=webrtc.WebRtcMode.SENDRECV,
        rtc_configuration=ice.rtc_configuration(),
        media_stream_constraints={"video": True, "audio": False},
        video_frame_callback=state.session.process, async_processing=True,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                          "style": {"width": "100%"}},
        translations=TRANSLATIONS)
    st.caption("Press START to send your camera's video, STOP to end. Changing a "
               "setting or the region starts the heat and the counts over.")
    state.camera_playing(bool(context.state.playing))
    if state.region is None and not state.region_chosen:
        st.caption("Counting starts on a line across the middle as soon as the video "
                   "arrives. To count elsewhere, take a snapshot below and draw a line or "
                   "a zone on it.")
    elif not state.region_chosen:
        st.caption("Counting on a line across the middle (the default; down is IN). To "
                   "count elsewhere, take a snapshot below and draw a line or a zone on it.")
    elif state.region is None:
        st.caption("Nothing is counted: no region is applied. Take a snapshot below and "
                   "draw a line or a zone on it.")
    return lambda: bool(context.state.playing)


def configure(state: LiveState, settings: AnalysisSettings) -> None:
    """Analyse with these settings and the applied region (from scratch if they changed)."""
    if state.default_region_due():
        state.use_default_region()
    region = state.region
    regions = [region] if region else []

    def make() -> Heatmap:
        return settings.build_heatmap(regions, runtime.loaded_model,
                                      runtime.settings().cache_dir)

    state.session.configure((settings, region), make if settings.model else None,
                            settings.stride)


@st.fragment(run_every=1.0)
def live_panel(session: LiveSession, playing: Callable[[], bool]) -> None:
    """Cards, the processing rate and the chart, redrawn every second on their own."""
    snapshot = session.snapshot()
    if live_state().default_region_due():
        st.rerun()  # the whole page: it applies the default line for this camera
    with st.container():  # always one element, so the cards and the chart keep their place
        _status(snapshot, playing())
    count_cards(snapshot.in_count, snapshot.out_count, snapshot.inside, snapshot.tracks_seen,
                extra=[("Frames/s", f"{snapshot.fps:.1f}", "Frames analysed per second. "
                        "When the computer is slower than the camera, the frames it cannot "
                        "keep up with are skipped (the newest is analysed), so the video "
                        "stays live."),
                       ("Frames", snapshot.frames, "Frames analysed since the start.")],
                per_row=3)
    st.plotly_chart(live_counts_figure(snapshot.series, snapshot.stream_s),
                    key=f"{KEY}_chart")
    if snapshot.frames:
        st.caption(f"{clock_text(snapshot.stream_s)} of video analysed; a frame takes about "
                   f"{snapshot.ms_per_frame:.0f} ms here, so this computer keeps up with "
                   f"{_capacity(snapshot.ms_per_frame)} frames/s. The cards show the counts "
                   "drawn on the video, refreshed about once a second.")


def _status(snapshot: LiveSnapshot, playing: bool) -> None:
    """One line on what the stream is doing, and what to do when it is not working."""
    if snapshot.error:
        st.warning(snapshot.error, icon=":material/warning:")
    if not playing:
        if snapshot.frames:
            st.info("The camera is off (STOP was pressed, or the connection ended). The "
                    "numbers are kept: save them as a run, reset them, or press START to "
                    "go on.", icon=":material/videocam_off:")
        else:
            st.info(CAMERA_HELP, icon=":material/videocam:")
        return
    waited, age = snapshot.waiting_s, snapshot.seconds_since_frame
    if waited is not None:  # no frame since START
        if waited < CONNECT_S:
            st.info("Connecting to your camera…", icon=":material/hourglass_top:")
        else:
            st.error(f"No video has arrived in {waited:.0f} s: the connection could not "
                     "be made. Press STOP, then START. From another computer this page "
                     "may need a STUN or TURN server (see below).",
                     icon=":material/signal_disconnected:")
    elif age is not None and age > STALL_S:
        st.error(f"The video stopped {age:.0f} s ago: the connection dropped or the "
                 "camera was unplugged. Press STOP, then START. The numbers so far are "
                 "kept.", icon=":material/signal_disconnected:")
    elif not snapshot.analysing:
        st.warning("The camera is on, but nothing is analysed: choose a model that loads "
                   f"in {SETTINGS_PLACE}.")


def session_buttons(state: LiveState, settings: AnalysisSettings) -> None:
    reset_col, name_col, save_col = st.columns([1, 3, 1], vertical_alignment="bottom")
    reset_col.button("Reset", key=f"{KEY}_reset", icon=":material/restart_alt:",
                     on_click=state.reset, width="stretch",
                     help="Start the heat and the counts over; the camera keeps running.")
    name_col.text_input("Run name", value=f"Webcam {datetime.now():%Y-%m-%d %H:%M}",
                        key=f"{KEY}_run_name", max_chars=200,
                        help="The name the saved run is listed under.")
    save_col.button("Save as a run", key=f"{KEY}_save", icon=":material/save:",
                    type="primary", on_click=_save, args=(state, settings),
                    width="stretch",
                    help="Keep the heatmap, the counts, the events and the counts over "
                         "time as a saved run with a link (no video is kept). The camera "
                         "keeps running.")
    if state.notice:
        st.error(state.notice)


def saved_section(state: LiveState) -> None:
    if state.saved is not None:
        saved, folder = state.saved
        saved_run_notice(saved, None, key=f"{KEY}_notice_{saved.id}")
        with st.expander("The saved session, with downloads", expanded=True):
            show_result(folder, key=f"{KEY}_result_{saved.id}")


def region_section(state: LiveState) -> None:
    st.subheader("Counting region")
    region = state.region
    if region is None:
        st.caption("No region: the heatmap is made, but nothing is counted. Take a "
                   "snapshot of the live view and draw a line or a zone on it.")
    else:
        meaning = (f"IN direction: {region.in_direction}" if region.kind == "line" else
                   "IN: entering it, OUT: leaving it")
        st.caption(f"Counting on a {region.kind} through {_points(region)} ({meaning}).")
    st.button("Take snapshot", key=f"{KEY}_take_snapshot", icon=":material/photo_camera:",
              on_click=state.take_snapshot,
              help="Freeze the newest camera frame here, to draw the region on it.")
    frame = state.snapshot
    if frame is None:
        return
    height, width = frame.shape[:2]
    drawn = region_editor(frame, key=f"{KEY}_region_{width}x{height}")
    st.button("Apply region", key=f"{KEY}_apply_region", icon=":material/check:",
              disabled=not drawn.ready, on_click=state.apply_region, args=(drawn.region,),
              help="Count with this region from now on: the heat and the counts start over. "
                   "An empty region counts nothing.")


def remote_help(ice: IceConfig) -> None:
    with st.expander("Serving this page to other computers (HTTPS, STUN and TURN servers)"):
        if ice.servers:
            st.markdown(f"This server uses the ICE servers from `{ice.source}`: "
                        + ", ".join(f"`{url}`" for url in ice.urls) + ".")
        else:
            st.markdown("This server uses **no ICE servers**: a browser on this computer "
                        "or its local network connects directly, and no traffic leaves it.")
        st.markdown(
            "For people on other networks:\n"
            "1. **HTTPS.** Browsers give pages the camera only over `https://` (or on "
            "`localhost`): put the app behind an HTTPS reverse proxy.\n"
            "2. **A STUN server** lets a browser behind a router find its public address. "
            "**A TURN server** relays the video where no direct path exists (strict "
            "firewalls, mobile networks); run your own (coturn) or rent one.\n"
            f"3. Set them in the environment variable `{ENV_VAR}` (a JSON list, used "
            "first) or as `ice_servers` in `.streamlit/secrets.toml`, then restart the "
            "app.")
        st.code(f"export {ENV_VAR}='{EXAMPLE_JSON}'", language="bash")
        st.code(EXAMPLE_TOML, language="toml")


# -- callbacks and small helpers -----------------------------------------------------

def _save(state: LiveState, settings: AnalysisSettings) -> None:
    name = st.session_state.get(f"{KEY}_run_name", "")  # as typed, even if Save was the blur
    viewer = current_viewer()
    store = runtime.run_store()
    try:
        refused = limit_note(store, viewer)
    except runtime.STORE_ERRORS:
        refused = None  # the save itself says the store is unreachable
    if refused:
        state.save_refused(refused)
        return
    state.save(name, settings, store,
               lambda: runtime.data_folders().new_run_dir(runtime.current_session().id),
               owner=viewer.id)


def _points(region: Region) -> str:
    return ", ".join(f"({x:g}, {y:g})" for x, y in region.points)


def _capacity(ms_per_frame: float) -> str:
    return f"{1000 / ms_per_frame:.0f}" if ms_per_frame > 0 else "-"
