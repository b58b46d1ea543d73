"""One camera's alerts as they fire: the worker feeds its series (closed intervals, down
times) through the rules (`workers.alert_rules`), stores what fires and POSTs it to the
camera's webhook in the background.

Invariants:
- Storing is idempotent (an alert's id comes from the camera, the rule and its time),
  and only alerts stored for the first time are POSTed: an alert noticed twice (a
  restarted worker replaying stored data, the server noticing a worker that is gone)
  is stored and announced once.
- A restarted worker first replays the stored series of the last rules' span
  (`prime`), so a rule that fired before the restart stays quiet until it re-arms.
- Nothing here waits on the network: the POST runs in its own thread
  (`workers.webhook`) and its outcome lands in the alert's `delivery` words.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from run_store import CameraAlert, CameraRecord, CameraStore, IntervalCount
from workers.alert_rules import Alert, AlertEvaluator, Down, Reading, alert_id, series_from
from workers.camera_config import CameraConfig
from workers.reconnect import Backoff
from workers.stream_source import redact_url
from workers.webhook import post_in_background

__all__ = ["CameraAlerts", "alert_payload", "notice_down"]

_log = logging.getLogger("workers.alerts")
SENDING = "sending"


class CameraAlerts:
    """Alerts of camera `camera_id` with `config`'s rules, stored in `store`."""

    def __init__(self, store: CameraStore, camera_id: str, config: CameraConfig,
                 interval_s: float, *, webhook_backoff: Backoff | None = None) -> None:
        self.store = store
        self.camera_id = camera_id
        self.config = config
        self.interval_s = interval_s
        self.evaluator = AlertEvaluator(config.alerts)
        self.webhook_backoff = webhook_backoff
        self._span = max((r.span for r in config.alerts), default=timedelta(0))

    def prime(self, now: datetime) -> None:
        """Replay the stored series of the last span (its alerts were stored then)."""
        if not self.config.alerts:
            return
        since = now - self._span - timedelta(seconds=2 * self.interval_s)
        self.evaluator.feed(series_from(self.store.intervals(self.camera_id, since=since),
                                        self.store.gaps(self.camera_id, since=since),
                                        self.interval_s))

    def counted(self, rows: Iterable[IntervalCount], end: datetime | None = None) -> None:
        """An interval closed with `rows` (at its full length, or early at `end`)."""
        rows = tuple(rows)
        if not rows or not self.config.alerts:
            return
        start = rows[0].start
        full = start + timedelta(seconds=self.interval_s)
        self.announce(self.evaluator.update(Reading(start, min(end or full, full), rows)))

    def down(self, start: datetime, end: datetime, *, ongoing: bool = False) -> None:
        """Nothing was counted from `start` to `end` (`ongoing`: and still is not)."""
        if self.config.alerts and end >= start:
            self.announce(self.evaluator.update(Down(start, end, ongoing)))

    def announce(self, alerts: list[Alert]) -> list[CameraAlert]:
        """Store `alerts`; POST those that are new; the new ones."""
        return announce(self.store, self.camera_id, self.config, alerts,
                        self.webhook_backoff)


def notice_down(store: CameraStore, record: CameraRecord, since: datetime,
                now: datetime) -> list[CameraAlert]:
    """The server's side: camera `record` is meant to run but has not counted since
    `since` (its worker is gone, failed or waiting). Fires its down rules that held by
    `now` (once each: the same alert as the worker would store on its return)."""
    try:
        config = CameraConfig.from_record(record)
    except ValueError:
        return []
    rules = [rule for rule in config.alerts if rule.kind == "down"]
    if not rules or now <= since:
        return []
    return announce(store, record.id, config,
                    AlertEvaluator(rules).update(Down(since, now, ongoing=True)))


def announce(store: CameraStore, camera_id: str, config: CameraConfig,
             alerts: list[Alert], backoff: Backoff | None = None) -> list[CameraAlert]:
    if not alerts:
        return []
    delivery = SENDING if config.webhook else None
    records = [CameraAlert(alert_id(camera_id, a), a.at, a.rule.kind, a.words, a.value,
                           a.measured(), delivery) for a in alerts]
    new = store.record_alerts(camera_id, records)
    for record, alert in zip(records, alerts, strict=True):
        if record not in new:
            continue
        _log.info("camera %s: alert %s (%s)", camera_id, record.rule, record.measured)
        if config.webhook:
            _post(store, config, camera_id, record, alert, backoff)
    return new


def alert_payload(camera_id: str, camera_name: str, record: CameraAlert,
                  alert: Alert) -> dict[str, Any]:
    """The JSON a webhook receives (the README shows it)."""
    rule = alert.rule
    return {"alert_id": record.id, "camera_id": camera_id, "camera": camera_name,
            "at": record.at.isoformat(), "rule": record.rule, "kind": rule.kind,
            "region": rule.region, "direction": rule.direction if rule.kind == "count" else None,
            "threshold": rule.threshold if rule.kind != "down" else None,
            "minutes": rule.minutes, "value": record.value, "measured": record.measured}


def _post(store: CameraStore, config: CameraConfig, camera_id: str, record: CameraAlert,
          alert: Alert, backoff: Backoff | None) -> None:
    assert config.webhook is not None
    url = config.webhook

    def done(words: str) -> None:
        if not words.startswith("sent"):
            _log.warning("camera %s: %s (%s)", camera_id, words, redact_url(url))
        store.set_alert_delivery(record.id, words)

    post_in_background(url, alert_payload(camera_id, config.name, record, alert), done,
                       backoff=backoff)
