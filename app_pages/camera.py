"""A camera's dashboard, opened from its link (`/?camera=<id>`) in any browser."""

from __future__ import annotations

import streamlit as st

from dashboard.cameras.dashboard_widgets import show_camera
from dashboard.common.links import CAMERA_PARAM

show_camera(st.query_params.get(CAMERA_PARAM))
