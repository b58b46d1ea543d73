"""The dashboard's entry: `streamlit run app.py`. A router only; each page is a file."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Video heatmap", page_icon=":material/whatshot:",
                   layout="wide")
page = st.navigation([
    st.Page("pages/upload.py", title="Analyse a video", icon=":material/upload_file:",
            default=True),
])
with st.sidebar:
    st.caption("Video heatmaps and line/zone counting. Open source (AGPL-3.0).")
page.run()
