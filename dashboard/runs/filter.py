"""Which saved runs the list shows: a name filter and a range of days, in the viewer's
time zone (a run saved at 00:30 in Berlin belongs to that Berlin day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dashboard.access.rules import Audience
from run_store import RunRecord, RunStore


@dataclass(frozen=True)
class RunFilter:
    """Runs whose name contains `name` (any case), saved from the start of
    `first_day` to the end of `last_day`; empty or None means no limit."""

    name: str = ""
    first_day: date | None = None
    last_day: date | None = None

    def window(self, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
        """(since, until) for `RunStore.list`: midnights in `zone`, `until` excluded."""
        since = None if self.first_day is None else datetime.combine(
            self.first_day, time(), zone)
        until = None if self.last_day is None else datetime.combine(
            self.last_day + timedelta(days=1), time(), zone)
        return since, until

    def runs(self, store: RunStore, zone: tzinfo, limit: int,
             audience: Audience | None = None) -> list[RunRecord]:
        """The matching runs, newest first, at most `limit`; `audience` narrows them to
        what one viewer may see (`RunStore.list`'s owner and shared_with)."""
        since, until = self.window(zone)
        return store.list(name_contains=self.name.strip() or None, since=since, until=until,
                          limit=limit, **(audience or {}))
