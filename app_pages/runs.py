"""Saved runs: every analysis, newest first. Find one by name or day, open its
dashboard, rename or delete it, or tick two to compare them."""

from __future__ import annotations

import streamlit as st

from dashboard.access.widgets import sign_in_gate
from dashboard.runs.list_widgets import runs_list
from dashboard.upload.widgets import running_note

st.title("Saved runs")
sign_in_gate("see your saved runs")
st.write("Every analysis is saved here: uploaded videos and live sessions. Open a run "
         "for its dashboard and its shareable link.")
running_note()
runs_list()
