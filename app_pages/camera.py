"""A camera's dashboard, opened from its link (`/?camera=<id>`, or a share link
`/?camera=<id>&token=<token>`): for whom may see it (anyone, without sign-in)."""

from __future__ import annotations

import streamlit as st

from dashboard.cameras.dashboard_widgets import show_camera
from dashboard.common.links import CAMERA_PARAM, TOKEN_PARAM

show_camera(st.query_params.get(CAMERA_PARAM), st.query_params.get(TOKEN_PARAM))
