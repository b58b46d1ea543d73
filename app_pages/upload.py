"""Analyse a video: upload one (or try the sample), draw a region, run, see the result.

A thin page: the sidebar gives the settings, `dashboard.upload` holds the page's state
and hands the analysis to a worker (on Ray), and the result is read back from its files.
"""

from __future__ import annotations

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import sign_in_gate
from dashboard.analysis.widgets import model_banner, sidebar_settings
from dashboard.common.text import plain
from dashboard.regions.widgets import region_editor
from dashboard.upload.widgets import (
    KEY,
    collect,
    region_key,
    result_section,
    run_section,
    upload_state,
    video_picker,
)

runtime.current_session()  # this tab's files: removed when the session ends
state = upload_state()
st.title("Video heatmap")
st.write("See where people and things move in a video from a fixed camera, and count "
         "them crossing a line or entering a zone.")
sign_in_gate("analyse videos")
# The uploader is drawn before the sidebar's model is settled (the first visit to a
# server loads Ultralytics and tries the default weights: seconds), so the page is
# usable at once; the banner's place says the model is loading meanwhile.
banner = st.empty()
banner.info("Loading the model…", icon=":material/hourglass_top:")
st.subheader("1. Video")
video = video_picker(state)
settings = sidebar_settings(KEY)
collect(state)
with banner.container():
    model_banner(settings)
if video is not None:
    st.subheader("2. Counting region")
    st.caption(plain(video.description))  # a file name is shown as typed, never as Markdown
    region = region_editor(video.first_frame, key=region_key(video), disabled=state.busy)
    st.subheader("3. Run")
    run_section(state, video, region, settings)
    result_section(state)
