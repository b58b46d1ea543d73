"""A saved run's dashboard, opened from its link (`/?run=<id>`, or a share link
`/?run=<id>&token=<token>`): for whom may see it (anyone, without sign-in)."""

from __future__ import annotations

import streamlit as st

from dashboard import runtime
from dashboard.common.links import RUN_PARAM, TOKEN_PARAM
from dashboard.runs.dashboard_widgets import show_run

show_run(runtime.run_store(), st.query_params.get(RUN_PARAM),
         st.query_params.get(TOKEN_PARAM))
