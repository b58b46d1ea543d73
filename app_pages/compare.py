"""Compare two saved runs side by side: their numbers, their heat on one colour scale
and their counts over time on shared axes. `?a=<id>&b=<id>` picks the two runs."""

from __future__ import annotations

import streamlit as st

from dashboard.access.widgets import sign_in_gate
from dashboard.runs.compare_widgets import compare_runs

st.title("Compare two runs")
sign_in_gate("compare your runs")
compare_runs()
