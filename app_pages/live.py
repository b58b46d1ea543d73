"""Analyse the webcam live: the browser sends camera frames over WebRTC, this server
draws heat, boxes and counts on each and sends it back, and cards and a chart beside
the video update about once a second.

A thin page: the sidebar gives the settings, `dashboard.live` holds the page's state
and analyses frames in streamlit-webrtc's worker thread (frames the computer cannot
keep up with are dropped there, not queued), and a fragment shows its numbers.
"""

from __future__ import annotations

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import sign_in_gate
from dashboard.analysis.widgets import model_banner, sidebar_settings
from dashboard.live.widgets import (
    KEY,
    camera_box,
    configure,
    ice_warning,
    live_panel,
    live_state,
    region_section,
    remote_help,
    saved_section,
    session_buttons,
)

runtime.current_session()  # this tab's files: removed when the session ends
state = live_state()
st.title("Live webcam")
sign_in_gate("analyse a camera live")
st.write("Point a camera at a scene: each frame is analysed on this server and comes "
         "back with the heatmap, the tracked objects and the counts drawn on it.")
settings = sidebar_settings(KEY)
configure(state, settings)
model_banner(settings, " The camera still works, but nothing is analysed.")
ice = runtime.settings().ice
ice_warning(ice)

video_col, live_col = st.columns(2, gap="medium")
with video_col:
    playing = camera_box(state, ice)
with live_col, st.container(key=f"{KEY}_panel"):
    live_panel(state.session, playing)
session_buttons(state, settings)
saved_section(state)
region_section(state)
remote_help(ice)
