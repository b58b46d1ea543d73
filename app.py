"""The dashboard's entry: `streamlit run app.py`. A router only; each page is a file in
app_pages/ (not pages/: Streamlit 1.67 would serve a folder named pages/ on its own,
without this router, to a direct link such as /runs on a freshly started server)."""

from __future__ import annotations

import streamlit as st

from components.branding import page_icon
from components.run_links import RUN_PARAM
from components.session_files import session_watcher

st.set_page_config(page_title="Video heatmap", page_icon=page_icon(), layout="wide")
session_watcher()  # once per process: cleans up after users who left
# A shareable run link is `/?run=<id>`: with that parameter the root serves the run's
# dashboard (a hidden page, also at /run?run=<id>) instead of the upload page.
run_link_opened = RUN_PARAM in st.query_params
page = st.navigation([
    st.Page("app_pages/upload.py", title="Analyse a video", icon=":material/upload_file:",
            default=not run_link_opened),
    st.Page("app_pages/live.py", title="Live webcam", icon=":material/videocam:"),
    st.Page("app_pages/runs.py", title="Saved runs", icon=":material/history:"),
    st.Page("app_pages/compare.py", title="Compare runs", icon=":material/compare:"),
    st.Page("app_pages/run.py", title="Run dashboard", icon=":material/dashboard:",
            url_path="run", visibility="hidden", default=run_link_opened),
])
page.run()
st.sidebar.caption("Video heatmaps and line/zone counting: open source (AGPL-3.0).")
