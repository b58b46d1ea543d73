"""The dashboard's entry: `streamlit run app.py`. A router only; each page is a file in
app_pages/ (not pages/: Streamlit 1.67 would serve a folder named pages/ on its own,
without this router, to a direct link such as /runs on a freshly started server), and
each feature's code is a package in dashboard/ (see its docstring for the map)."""

from __future__ import annotations

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import account_sidebar
from dashboard.common.branding import page_icon
from dashboard.common.links import (
    CAMERA_PAGE,
    CAMERA_PARAM,
    CAMERAS_PAGE,
    COMPARE_PAGE,
    LIVE_PAGE,
    RUN_PAGE,
    RUN_PARAM,
    RUNS_PAGE,
    UPLOAD_PAGE,
)
from dashboard.config import SettingsError

st.set_page_config(page_title="Video heatmap", page_icon=page_icon(), layout="wide")
try:
    runtime.settings()  # read and checked once per process
except SettingsError as error:
    st.error(f"This server's configuration has to be fixed before the app can start: {error}")
    st.stop()
runtime.session_watcher()  # once per process: cleans up after users who left
# A shareable run link is `/?run=<id>`: with that parameter the root serves the run's
# dashboard (a hidden page, also at /run?run=<id>) instead of the upload page.
# A camera's link is `/?camera=<id>`, likewise.
run_link_opened = RUN_PARAM in st.query_params
camera_link_opened = CAMERA_PARAM in st.query_params and not run_link_opened
page = st.navigation([
    st.Page(UPLOAD_PAGE, title="Analyse a video", icon=":material/upload_file:",
            default=not (run_link_opened or camera_link_opened)),
    st.Page(LIVE_PAGE, title="Live webcam", icon=":material/videocam:"),
    st.Page(CAMERAS_PAGE, title="Cameras", icon=":material/camera_outdoor:"),
    st.Page(RUNS_PAGE, title="Saved runs", icon=":material/history:"),
    st.Page(COMPARE_PAGE, title="Compare runs", icon=":material/compare:"),
    st.Page(RUN_PAGE, title="Run dashboard", icon=":material/dashboard:",
            url_path="run", visibility="hidden", default=run_link_opened),
    st.Page(CAMERA_PAGE, title="Camera dashboard", icon=":material/dashboard:",
            url_path="camera", visibility="hidden", default=camera_link_opened),
])
account_sidebar()  # sign in or out; without sign-in, who can see what
page.run()
st.sidebar.caption("Video heatmaps and line/zone counting: open source (AGPL-3.0).")
