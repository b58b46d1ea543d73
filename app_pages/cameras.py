"""Cameras: streams analysed on this server for days, with no browser open. Add one by
its address, draw where to count on a snapshot, and find its counts on its dashboard."""

from __future__ import annotations

import streamlit as st

from dashboard.access.widgets import sign_in_gate
from dashboard.analysis.widgets import model_banner, sidebar_settings
from dashboard.cameras.widgets import KEY, add_camera_form, camera_list

st.title("Cameras")
st.write("Point the app at an IP camera once: it is analysed here around the clock, and "
         "every minute's counts wait in its dashboard. Closing the browser stops nothing.")
sign_in_gate("add and watch your cameras")
settings = sidebar_settings(KEY)
camera_list()
model_banner(settings)
add_camera_form(settings)
