"""The dashboard's entry: `streamlit run app.py`. A router only; each page is a file."""

from __future__ import annotations

import streamlit as st

from components.branding import page_icon

st.set_page_config(page_title="Video heatmap", page_icon=page_icon(), layout="wide")
page = st.navigation([
    st.Page("pages/upload.py", title="Analyse a video", icon=":material/upload_file:",
            default=True),
])
page.run()
st.sidebar.caption("Video heatmaps and line/zone counting: open source (AGPL-3.0).")
