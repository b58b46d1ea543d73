"""A saved run's dashboard, opened from its link (`/?run=<id>`) in any browser."""

from __future__ import annotations

import streamlit as st

from components.run_dashboard import show_run
from components.run_links import RUN_PARAM
from components.runs_store import shared_run_store

show_run(shared_run_store(), st.query_params.get(RUN_PARAM))
