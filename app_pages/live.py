"""Analyse the webcam live: the browser sends camera frames over WebRTC, this server
draws heat, boxes and counts on each and sends it back, and cards and a chart beside
the video update about once a second.

A thin driver: the sidebar gives the settings, a `LiveSession` held in
`st.session_state` does the work in streamlit-webrtc's worker thread (frames the
computer cannot keep up with are dropped there, not queued), and a fragment reads its
snapshots without re-running the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import streamlit as st
import streamlit_webrtc as webrtc
from sqlalchemy.exc import SQLAlchemyError

from components.live_charts import live_counts_figure
from components.live_ice import ENV_VAR, EXAMPLE_JSON, EXAMPLE_TOML, IceConfig, ice_config
from components.live_session import LiveSession, LiveSnapshot
from components.models import heatmap_model
from components.region_editor import region_editor
from components.result_view import show_result
from components.run_saving import run_settings, saved_run_notice
from components.runs_store import shared_run_store
from components.session_files import current_session
from components.settings import AnalysisSettings, sidebar_settings
from components.storage import new_run_dir
from heatmap_core import Heatmap, Region
from run_store import IncompleteRun, RunRecord

KEY = "live"
SOURCE = "Webcam (live)"
STALL_S = 5.0  # no frame for this long while playing: the connection has dropped
CONNECT_S = 20.0  # no first frame after this long: the connection could not be made
CAMERA_HELP = """\
Press **START** under the video box to turn on your camera. If the box shows an error:
- **NotAllowedError**: the camera is blocked for this site. Allow it (the camera icon \
in the address bar), then press START.
- **NotFoundError**: no camera was found. Connect one, then press START.
- **NotReadableError**: another app is using the camera. Close it, then press START.
- **Media API not available**: open the page over https:// (or on localhost)."""
TRANSLATIONS = {  # the messages the video box shows in its device picker
    "device_ask_permission": "Allow this page to use your camera (the browser asks above).",
    "device_access_denied": "Camera access was denied. Allow the camera for this site (the "
                            "camera icon in the address bar), then press START again.",
    "device_not_available": "No camera could be opened: connect one, or close the app "
                            "that is using it, then press START again.",
    "media_api_not_available": "This browser offers no camera here: open the app over "
                               "https:// or on localhost.",
}


def main() -> None:
    state = st.session_state
    current_session()  # this tab's files: removed when the session ends
    if "live_session" not in state:
        state.live_session = LiveSession()
    for name in ("live_region", "live_snapshot", "live_saved", "live_notice"):
        state.setdefault(name, None)
    state.setdefault("live_playing", False)
    session: LiveSession = state.live_session

    st.title("Live webcam")
    st.write("Point a camera at a scene: each frame is analysed on this server and comes "
             "back with the heatmap, the tracked objects and the counts drawn on it.")
    settings = sidebar_settings(KEY)
    region: Region | None = state.live_region
    session.configure((settings, region), _heatmap_maker(settings, region), settings.stride)
    if settings.model is not None:
        st.info(f"**Model: {settings.model.label}.** {settings.model.reason}",
                icon=":material/memory:")
    else:
        st.error(f"No model can run: {settings.model_error} See the sidebar. The camera "
                 "still works, but nothing is analysed.")
    ice = ice_config(os.environ, _secrets())
    if ice.error:
        st.error(f"The ICE server setting is not valid, so none is used: {ice.error}. See "
                 "\"Serving this page to other computers\" below.")

    video_col, live_col = st.columns(2, gap="medium")
    with video_col:
        context = webrtc.webrtc_streamer(
            key=f"{KEY}_camera", mode=webrtc.WebRtcMode.SENDRECV,
            rtc_configuration=ice.rtc_configuration(),
            media_stream_constraints={"video": True, "audio": False},
            video_frame_callback=session.process, async_processing=True,
            video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                              "style": {"width": "100%"}},
            translations=TRANSLATIONS)
        st.caption("Press START to send your camera's video, STOP to end. Changing a "
                   "setting or the region starts the heat and the counts over.")
    playing = bool(context.state.playing)
    if playing and not state.live_playing:
        session.expect_frames()
    state.live_playing = playing
    with live_col, st.container(key=f"{KEY}_panel"):
        _live_panel(session, lambda: bool(context.state.playing))

    _session_buttons(session, settings, region)
    if state.live_notice:
        st.error(state.live_notice)
    if state.live_saved is not None:
        saved, folder = state.live_saved
        saved_run_notice(saved, None, key=f"{KEY}_notice_{saved.id}")
        with st.expander("The saved session, with downloads", expanded=True):
            show_result(folder, key=f"{KEY}_result_{saved.id}")
    _region_section(session)
    _remote_help(ice)


@st.fragment(run_every=1.0)
def _live_panel(session: LiveSession, playing: Callable[[], bool]) -> None:
    """Cards, the processing rate and the chart, redrawn every second on their own."""
    snapshot = session.snapshot()
    with st.container():  # always one element, so the cards and the chart keep their place
        _status(snapshot, playing())
    cards = (
        ("In", snapshot.in_count, "Crossings in the IN direction (the arrow of the region)."),
        ("Out", snapshot.out_count, "Crossings against the IN direction."),
        ("Inside now", snapshot.inside, "Objects inside the zone now (0 for a line)."),
        ("Tracks", snapshot.tracks_seen, "Distinct objects tracked since the start."),
        ("Frames/s", f"{snapshot.fps:.1f}", "Frames analysed per second. When the "
         "computer is slower than the camera, the frames it cannot keep up with are "
         "skipped (the newest is analysed), so the video stays live."),
        ("Frames", snapshot.frames, "Frames analysed since the start."),
    )
    for row in (cards[:3], cards[3:]):
        for column, (label, value, help_text) in zip(st.columns(len(row)), row):
            column.metric(label, value, help=help_text, border=True)
    st.plotly_chart(live_counts_figure(snapshot.series, snapshot.stream_s),
                    key=f"{KEY}_chart")
    if snapshot.frames:
        st.caption(f"{_clock(snapshot.stream_s)} of video analysed; a frame takes about "
                   f"{snapshot.ms_per_frame:.0f} ms here, so this computer keeps up with "
                   f"{_capacity(snapshot.ms_per_frame)} frames/s.")


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
                   "in the sidebar.")


def _session_buttons(session: LiveSession, settings: AnalysisSettings,
                     region: Region | None) -> None:
    reset_col, name_col, save_col = st.columns([1, 3, 1], vertical_alignment="bottom")
    reset_col.button("Reset", key=f"{KEY}_reset", icon=":material/restart_alt:",
                     on_click=_reset, args=(session,), width="stretch",
                     help="Start the heat and the counts over; the camera keeps running.")
    name_col.text_input("Run name", value=f"Webcam {datetime.now():%Y-%m-%d %H:%M}",
                        key=f"{KEY}_run_name", max_chars=200,
                        help="The name the saved run is listed under.")
    save_col.button("Save as a run", key=f"{KEY}_save", icon=":material/save:",
                    type="primary", on_click=_save, args=(session, settings, region),
                    width="stretch",
                    help="Keep the heatmap, the counts, the events and the counts over "
                         "time as a saved run with a link (no video is kept). The camera "
                         "keeps running.")


def _region_section(session: LiveSession) -> None:
    state = st.session_state
    st.subheader("Counting region")
    region: Region | None = state.live_region
    if region is None:
        st.caption("No region yet: the heatmap is made, but nothing is counted. Take a "
                   "snapshot of the live view and draw a line or a zone on it.")
    else:
        st.caption(f"Counting on a {region.kind} through {_points(region)} (IN "
                   f"direction: {region.in_direction}).")
    st.button("Take snapshot", key=f"{KEY}_take_snapshot", icon=":material/photo_camera:",
              on_click=_take_snapshot, args=(session,),
              help="Freeze the newest camera frame here, to draw the region on it.")
    frame = state.live_snapshot
    if frame is None:
        return
    height, width = frame.shape[:2]
    drawn = region_editor(frame, key=f"{KEY}_region_{width}x{height}")
    st.button("Apply region", key=f"{KEY}_apply_region", icon=":material/check:",
              disabled=drawn.error is not None, on_click=_apply_region, args=(drawn.region,),
              help="Count with this region from now on: the heat and the counts start over. "
                   "An empty region counts nothing.")


def _remote_help(ice: IceConfig) -> None:
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


# -- callbacks: they run before the page is drawn ----------------------------------

def _reset(session: LiveSession) -> None:
    session.reset()
    st.session_state.live_notice = None


def _take_snapshot(session: LiveSession) -> None:
    frame = session.latest_frame()
    st.session_state.live_notice = (None if frame is not None else
                                    "No camera frame yet: press START, wait for the video, "
                                    "then take the snapshot.")
    if frame is not None:
        st.session_state.live_snapshot = frame


def _apply_region(region: Region | None) -> None:
    st.session_state.live_region = region


def _save(session: LiveSession, settings: AnalysisSettings, region: Region | None) -> None:
    state = st.session_state
    name = state.get(f"{KEY}_run_name", "")  # as typed, even if Save was the blur
    state.live_notice = None
    folder = new_run_dir(state.session_id)
    try:
        session.save(folder, source=SOURCE)
    except ValueError:
        folder.rmdir()
        state.live_notice = "Nothing to save yet: press START and let the camera run first."
        return
    except OSError as error:
        state.live_notice = f"The session could not be written to the disk: {error}."
        return
    try:
        saved: RunRecord = shared_run_store().save_run(
            folder, name=name.strip() or None,
            settings=run_settings(settings, [region] if region else []), kind="live")
    except (IncompleteRun, ValueError, OSError, SQLAlchemyError) as error:
        state.live_notice = f"The session could not be saved as a run: {error}."
        return
    state.live_saved = (saved, folder)


# -- small helpers -----------------------------------------------------------------

def _heatmap_maker(settings: AnalysisSettings,
                   region: Region | None) -> Callable[[], Heatmap] | None:
    spec = settings.model
    if spec is None:
        return None

    def make() -> Heatmap:
        heatmap = Heatmap(model=heatmap_model(spec), region=region,
                          **settings.heatmap_options())
        heatmap.model_name = spec.name  # not the prototype's type name
        return heatmap
    return make


def _secrets() -> Mapping[str, Any]:
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def _points(region: Region) -> str:
    return ", ".join(f"({x:g}, {y:g})" for x, y in region.points)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else \
        f"{minutes}:{secs:02d}"


def _capacity(ms_per_frame: float) -> str:
    return f"{1000 / ms_per_frame:.0f}" if ms_per_frame > 0 else "–"


main()
