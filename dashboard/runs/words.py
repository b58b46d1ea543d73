"""How a saved run is put into words: its time in the viewer's time zone, its kind and
status."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard.common.text import stop_reason_text
from run_store import RunRecord


def viewer_zone(name: str | None) -> tzinfo:
    """The browser's time zone (`st.context.timezone`), or UTC when it is unknown."""
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def created_text(moment: datetime, zone: tzinfo) -> str:
    """'25 Nov 2026, 14:50' in `zone`."""
    return f"{moment.astimezone(zone):%d %b %Y, %H:%M}"


def kind_text(record: RunRecord) -> str:
    return "Live session" if record.kind == "live" else "Uploaded video"


def status_text(record: RunRecord) -> str:
    """'Complete', or 'Partial: was stopped' (the part before the stop is all it has)."""
    if not record.partial:
        return "Complete"
    return f"Partial: {stop_reason_text(record.summary.get('stop_reason') or 'stopped')}"
