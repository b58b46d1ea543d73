"""Alerts on the camera pages: the rules and webhook fields of the Add-a-camera form, and
the list of fired alerts on a camera's dashboard (time, rule, measured value, and what
became of the webhook POST). The webhook address is never shown back (it may hold a
token): a POST's outcome is in words of our own."""

from __future__ import annotations

from datetime import tzinfo

import pandas as pd
import streamlit as st

from dashboard import runtime
from dashboard.common.text import plain
from workers.alert_rules import RULE_FORMS, AlertRule, parse_rules

__all__ = ["ALERT_LIST_LIMIT", "alert_inputs", "alert_list", "read_alert_inputs",
           "reset_alert_inputs"]

RULES_KEY = "cameras_alert_rules"
WEBHOOK_KEY = "cameras_alert_webhook"
ALERT_LIST_LIMIT = 50


def alert_inputs() -> None:
    """The form's alert fields: rules, one a line, and an optional webhook."""
    with st.expander("Alerts (optional)", icon=":material/notifications:"):
        st.text_area(
            "Rules, one a line", key=RULES_KEY, height=100,
            placeholder="occupancy of region above 10 for 5 minutes\n"
                        "more than 50 IN at region in 15 minutes\ncamera down for 5 minutes",
            help="Write each rule as one of: " + "; ".join(RULE_FORMS) + ". REGION is the "
                 "name of the camera's region (a drawn region is called 'region'). A rule "
                 "fires once when it has held, and again only after it has cleared.")
        st.text_input(
            "Webhook (optional)", key=WEBHOOK_KEY, type="password",
            placeholder="https://example.org/hooks/cameras",
            help="Each fired alert is POSTed here as JSON (3 tries). A token in the address "
                 "is kept on the server and never shown.")


def read_alert_inputs() -> tuple[tuple[AlertRule, ...], str | None]:
    """The rules and webhook typed in the form; ValueError (one line) for a bad rule."""
    rules = parse_rules(str(st.session_state.get(RULES_KEY, "")))
    webhook = str(st.session_state.get(WEBHOOK_KEY, "")).strip() or None
    return rules, webhook


def reset_alert_inputs() -> None:
    st.session_state[RULES_KEY] = st.session_state[WEBHOOK_KEY] = ""


def alert_list(camera_id: str, zone: tzinfo) -> None:
    """The camera's rules and its latest fired alerts, newest first."""
    st.subheader("Alerts")
    store = runtime.cameras().store
    record = store.get(camera_id)
    rules = [AlertRule.from_dict(r) for r in (record.settings.get("alerts", [])
                                              if record else [])]
    if rules:
        st.caption("Rules: " + "; ".join(plain(r.describe()) for r in rules) + ".")
    fired = store.alerts(camera_id)[-ALERT_LIST_LIMIT:][::-1]
    if not fired:
        st.caption("No alert has fired." if rules else
                   "No alert rules: add them with the camera on the Cameras page.")
        return
    st.dataframe(pd.DataFrame({
        "Time": [a.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") for a in fired],
        "Rule": [a.rule for a in fired],
        "Measured": [a.measured for a in fired],
        "Webhook": [a.delivery or "none" for a in fired]}),
        hide_index=True, width="stretch")
