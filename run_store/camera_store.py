"""CameraStore: configured cameras and what their workers counted.

Invariants:
- One transaction per call. A worker's `record(flush)` lands whole or not at all
  (intervals, events, heat, gaps and the `counted_until` mark together), so after a
  crash `counted_until` says exactly how far stored data goes.
- Writes are plain INSERT/UPDATE/DELETE with no read before them in the same
  transaction, so SQLite never has to upgrade a read lock (see `database`).
- Time windows are half-open, [since, until), on the row's start (`at` for events).
- Data is bounded by `prune(retention)`: rows older than each kind's retention are
  deleted; SQLite reuses the freed pages, so the file stops growing.
- A camera's share links are run links' twins (`ShareLinks`, the same table and
  rules): removing the camera removes them in the same transaction.
- Heat sums and dwell stats of long windows read day roll-ups (`camera_days`), made
  from the rows and dropped whenever rows of their day are written or pruned, so they
  give exactly what the rows give.
"""

from __future__ import annotations

import builtins
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import CursorResult, delete, insert, or_, select, update

from run_store.camera_alerts import AlertRow, CameraAlert, insert_new_alerts
from run_store.camera_buckets import Bucket
from run_store.camera_days import CameraDayRow, DayRollups, pruned_days, stale_days
from run_store.camera_dwells import DwellRow, DwellStats
from run_store.camera_records import (
    MAX_HEAT_SIDE,
    CameraEvent,
    CameraRecord,
    DesiredState,
    Flush,
    Gap,
    HeatSnapshot,
    HeatSum,
    IntervalCount,
    Retention,
    check_camera_id,
    new_camera_id,
)
from run_store.camera_tables import CameraEventRow, CameraRow, GapRow, HeatSnapshotRow, IntervalRow
from run_store.database import Database
from run_store.errors import CameraNotFound
from run_store.schema import ShareLinkRow
from run_store.share_links import ShareLinks
from run_store.sharing import ShareLink

__all__ = ["MAX_CAMERA_NAME", "CameraStore"]

MAX_CAMERA_NAME = 200
MAX_URL_LENGTH = 2000
_DESIRED = ("running", "stopped")
_DATA_TABLES = (IntervalRow, CameraEventRow, HeatSnapshotRow, GapRow, DwellRow, AlertRow,
                CameraDayRow)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CameraStore:
    """Cameras in `database_url` (None: the SQLite file in `data_dir`, the same
    database as `RunStore`). Thread-safe; any number of processes (the web server,
    every camera worker) may share one database.

        >>> store = CameraStore(settings.database_url, settings.data_dir)
        >>> camera = store.add("Door", "rtsp://cam/stream", {"model": "motion"})
        >>> store.record(camera.id, Flush(intervals=(...), counted_until=now))
    """

    def __init__(self, database_url: str | None, data_dir: str | Path, *,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.data_dir = Path(data_dir)
        self._database = Database(database_url, self.data_dir)
        self.url = self._database.url
        self._transaction = self._database.transaction
        self._clock = clock
        self._links = ShareLinks(ShareLinkRow.camera_id, CameraRow.id, CameraNotFound,
                                 self._transaction, self._clock)
        self._days = DayRollups(self._transaction, clock, _decode_heat,
                                self._database.dialect)

    def __repr__(self) -> str:
        return f"CameraStore({self.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self._database.close()

    # -- cameras -------------------------------------------------------------------

    def add(self, name: str, url: str, settings: dict[str, Any], *,
            owner: str | None = None) -> CameraRecord:
        """A new camera, desired state "stopped", owned by `owner` (None: added without
        sign-in). ValueError/TypeError for a bad name, URL or settings (not plain
        JSON); nothing is saved then."""
        _check_text(name, "a camera name", MAX_CAMERA_NAME)
        _check_text(url, "a camera URL", MAX_URL_LENGTH)
        row = CameraRow(id=new_camera_id(), name=name, url=url, settings=_json_copy(settings),
                        desired="stopped", created=self._clock(), counted_until=None,
                        owner=owner)
        with self._transaction() as session:
            session.add(row)
        return _camera(row)

    def get(self, camera_id: str) -> CameraRecord | None:
        check_camera_id(camera_id)
        with self._transaction() as session:
            row = session.get(CameraRow, camera_id)
            return None if row is None else _camera(row)

    def list(self, owner: str | None = None, *, shared_with: str | None = None
             ) -> builtins.list[CameraRecord]:
        """Every camera, oldest first; with `owner` and/or `shared_with`, only the ones
        `owner` added or that were shared with `shared_with` (a live link they opened)."""
        query = select(CameraRow).order_by(CameraRow.created, CameraRow.id)
        audience = []
        if owner is not None:
            audience.append(CameraRow.owner == owner)
        if shared_with is not None:
            audience.append(CameraRow.id.in_(self._links.shared_ids(shared_with)))
        if audience:
            query = query.where(or_(*audience))
        with self._transaction() as session:
            return [_camera(row) for row in session.scalars(query)]

    def update(self, camera_id: str, *, name: str | None = None, url: str | None = None,
               settings: dict[str, Any] | None = None) -> CameraRecord:
        """Change what is given; CameraNotFound when the camera is gone."""
        values: dict[str, Any] = {}
        if name is not None:
            _check_text(name, "a camera name", MAX_CAMERA_NAME)
            values["name"] = name
        if url is not None:
            _check_text(url, "a camera URL", MAX_URL_LENGTH)
            values["url"] = url
        if settings is not None:
            values["settings"] = _json_copy(settings)
        return self._update(camera_id, values)

    def set_desired(self, camera_id: str, desired: DesiredState, *,
                    new_session: bool = False) -> CameraRecord:
        """Whether the camera should run. `new_session` (a user's Start) also clears
        `counted_until`, so the time it was stopped is not taken for a gap."""
        if desired not in _DESIRED:
            raise ValueError(f"desired state is one of {_DESIRED}, not {desired!r}")
        values: dict[str, Any] = {"desired": desired}
        if new_session:
            values["counted_until"] = None
        return self._update(camera_id, values)

    def remove(self, camera_id: str) -> None:
        """Delete the camera, everything it counted and its share links;
        CameraNotFound if gone."""
        check_camera_id(camera_id)
        with self._transaction() as session:
            self._links.delete(session, camera_id)
            for table in _DATA_TABLES:
                session.execute(delete(table).where(table.camera_id == camera_id)
                                .execution_options(synchronize_session=False))
            result = cast(CursorResult[Any], session.execute(
                delete(CameraRow).where(CameraRow.id == camera_id)
                .execution_options(synchronize_session=False)))
            if result.rowcount == 0:
                raise CameraNotFound(camera_id)

    # -- share links (the rules are `ShareLinks`', the same as a run's) ----------------

    def share(self, camera_id: str, *, label: str = "", expires: datetime | None = None
              ) -> tuple[ShareLink, str]:
        """A new link that opens the camera's dashboard read-only: the link and its
        token (shown once: only its hash is kept). CameraNotFound if it is gone."""
        return self._links.share(check_camera_id(camera_id), label=label, expires=expires)

    def share_links(self, camera_id: str) -> builtins.list[ShareLink]:
        """The camera's links, newest first, revoked and expired ones included."""
        return self._links.links(check_camera_id(camera_id))

    def revoke_link(self, camera_id: str, link_id: str) -> None:
        """Stop the camera's link `link_id` working, at once (again: no change)."""
        self._links.revoke(check_camera_id(camera_id), link_id)

    def open_link(self, camera_id: str, token: str, visitor: str | None = None
                  ) -> ShareLink | None:
        """The camera's live link whose token is `token`, or None (no such link,
        revoked or expired); a signed-in `visitor` is remembered (see `shared_with`)."""
        return self._links.open(check_camera_id(camera_id), token, visitor)

    def shared_with(self, camera_id: str, visitor: str) -> bool:
        """Whether `visitor` opened a link to the camera that is still live."""
        return self._links.shared_with(check_camera_id(camera_id), visitor)

    # -- what workers write ----------------------------------------------------------

    def record(self, camera_id: str, flush: Flush) -> None:
        """Store one flush of the camera's worker in one transaction. CameraNotFound
        (and nothing stored) when the camera was removed meanwhile."""
        check_camera_id(camera_id)
        heat_rows = [{"camera_id": camera_id, "start": h.start, "end": h.end,
                      "heat": _encode_heat(h.heat)} for h in flush.heat]
        with self._transaction() as session:
            values: dict[str, Any] = {"desired": CameraRow.desired}
            if flush.counted_until is not None:
                values["counted_until"] = flush.counted_until
            result = cast(CursorResult[Any], session.execute(
                update(CameraRow).where(CameraRow.id == camera_id).values(**values)
                .execution_options(synchronize_session=False)))
            if result.rowcount == 0:
                raise CameraNotFound(camera_id)
            for table, rows in (
                    (IntervalRow, [_row(camera_id, i) for i in flush.intervals]),
                    (CameraEventRow, [_row(camera_id, e) for e in flush.events]),
                    (HeatSnapshotRow, heat_rows),
                    (GapRow, [_row(camera_id, g) for g in flush.gaps]),
                    (DwellRow, [_row(camera_id, d) for d in flush.dwells])):
                if rows:
                    session.execute(insert(table), rows)
            for stale in (stale_days(camera_id, "counts", [i.start for i in flush.intervals]),
                          stale_days(camera_id, "heat", [h.start for h in flush.heat]),
                          stale_days(camera_id, "dwell", [d.at for d in flush.dwells])):
                if stale is not None:
                    session.execute(stale.execution_options(synchronize_session=False))

    def record_alerts(self, camera_id: str,
                      alerts: builtins.list[CameraAlert]) -> builtins.list[CameraAlert]:
        """Store fired alerts; those not stored before (by id), the ones to announce."""
        check_camera_id(camera_id)
        with self._transaction() as session:
            return insert_new_alerts(session, camera_id, tuple(alerts))

    def set_alert_delivery(self, alert_id: str, delivery: str) -> None:
        """What became of an alert's webhook POST (words with no URL in them)."""
        with self._transaction() as session:
            session.execute(update(AlertRow).where(AlertRow.id == alert_id)
                            .values(delivery=delivery[:300])
                            .execution_options(synchronize_session=False))

    def alerts(self, camera_id: str, since: datetime | None = None,
               until: datetime | None = None) -> builtins.list[CameraAlert]:
        """The camera's fired alerts in [since, until), oldest first."""
        rows = self._window(AlertRow, AlertRow.at, camera_id, since, until)
        return [CameraAlert(r.id, r.at, r.kind, r.rule, r.value, r.measured, r.delivery)
                for r in rows]

    # -- reading -------------------------------------------------------------------

    def intervals(self, camera_id: str, since: datetime | None = None,
                  until: datetime | None = None) -> builtins.list[IntervalCount]:
        rows = self._window(IntervalRow, IntervalRow.start, camera_id, since, until)
        return [IntervalCount(r.start, r.seconds, r.region, r.class_name, r.in_count,
                              r.out_count, r.peak_inside, r.mean_inside) for r in rows]

    def events(self, camera_id: str, since: datetime | None = None,
               until: datetime | None = None) -> builtins.list[CameraEvent]:
        rows = self._window(CameraEventRow, CameraEventRow.at, camera_id, since, until)
        return [CameraEvent(r.at, r.region, r.class_name, cast(Any, r.direction), r.track_id)
                for r in rows]

    def heat(self, camera_id: str, since: datetime | None = None,
             until: datetime | None = None) -> builtins.list[HeatSnapshot]:
        rows = self._window(HeatSnapshotRow, HeatSnapshotRow.start, camera_id, since, until)
        return [HeatSnapshot(r.start, r.end, _decode_heat(r.heat)) for r in rows]

    def heat_sum(self, camera_id: str, since: datetime, until: datetime) -> HeatSum | None:
        """The heat of the snapshots that started in [since, until), added up on the
        newest one's grid (None when there is none): whole days from their roll-ups,
        the rest from the snapshots, streamed in batches."""
        check_camera_id(camera_id)
        return self._days.heat_sum(camera_id, since, until)

    def dwell_stats(self, camera_id: str, since: datetime, until: datetime,
                    region: str | None = None) -> builtins.list[DwellStats]:
        """Median, 90th percentile and histogram of the zone visits that ended in
        [since, until), per zone (only `region` if given), exactly as
        `camera_dwells.percentile_query` and `histogram_query` define them, from day
        roll-ups and the visits of the window's ends; a zone with no visit ended there
        is absent."""
        check_camera_id(camera_id)
        return self._days.dwell_stats(camera_id, since, until, region)

    def roll_up(self, camera_id: str, since: datetime, until: datetime,
                limit: int | None = None) -> int:
        """Make the day roll-ups missing in [since, until) (settled whole days, newest
        first, at most `limit` a kind), so the dashboard finds them made; returns how
        many were made. Reading makes missing ones too: this only moves the work."""
        check_camera_id(camera_id)
        return self._days.roll_up(camera_id, since, until, limit)

    def buckets(self, camera_id: str, since: datetime, until: datetime,
                bucket_s: int) -> builtins.list[Bucket]:
        """The camera's counts per region and class summed over `bucket_s`-second buckets
        (UTC, aligned to the epoch) in [since, until), by the database (hourly ones of
        whole days from their roll-ups)."""
        check_camera_id(camera_id)
        if bucket_s < 1:
            raise ValueError(f"bucket_s must be 1 or more, got {bucket_s}")
        return self._days.buckets(camera_id, since, until, bucket_s)

    def gaps(self, camera_id: str, since: datetime | None = None,
             until: datetime | None = None) -> builtins.list[Gap]:
        rows = self._window(GapRow, GapRow.start, camera_id, since, until)
        return [Gap(r.start, r.end, r.reason) for r in rows]

    # -- bounds --------------------------------------------------------------------

    def prune(self, retention: Retention | None = None, now: datetime | None = None,
              camera_id: str | None = None) -> int:
        """Delete data older than `retention` (default `Retention()`) allows, of one
        camera or of all; returns how many rows were removed."""
        retention = retention or Retention()
        now = now or self._clock()
        if camera_id is not None:
            check_camera_id(camera_id)
        removed = 0
        with self._transaction() as session:
            for column, days in ((IntervalRow.start, retention.interval_days),
                                 (CameraEventRow.at, retention.event_days),
                                 (HeatSnapshotRow.start, retention.heat_days),
                                 (GapRow.start, retention.gap_days),
                                 (DwellRow.at, retention.dwell_days),
                                 (AlertRow.at, retention.gap_days)):
                table = column.class_
                statement = delete(table).where(column < now - timedelta(days=days))
                if camera_id is not None:
                    statement = statement.where(table.camera_id == camera_id)
                result = cast(CursorResult[Any], session.execute(
                    statement.execution_options(synchronize_session=False)))
                removed += result.rowcount
            for cut in (pruned_days("counts", now - timedelta(days=retention.interval_days),
                                    camera_id),
                        pruned_days("heat", now - timedelta(days=retention.heat_days), camera_id),
                        pruned_days("dwell", now - timedelta(days=retention.dwell_days),
                                    camera_id)):
                session.execute(cut.execution_options(synchronize_session=False))
        return removed

    # -- internals -----------------------------------------------------------------

    def _update(self, camera_id: str, values: dict[str, Any]) -> CameraRecord:
        check_camera_id(camera_id)
        with self._transaction() as session:
            if values:
                result = cast(CursorResult[Any], session.execute(
                    update(CameraRow).where(CameraRow.id == camera_id).values(**values)
                    .execution_options(synchronize_session=False)))
                if result.rowcount == 0:
                    raise CameraNotFound(camera_id)
            row = session.get(CameraRow, camera_id)
            if row is None:
                raise CameraNotFound(camera_id)
            return _camera(row)

    def _window(self, table: Any, column: Any, camera_id: str, since: datetime | None,
                until: datetime | None) -> builtins.list[Any]:
        check_camera_id(camera_id)
        query = select(table).where(table.camera_id == camera_id).order_by(column, table.id)
        if since is not None:
            query = query.where(column >= since)
        if until is not None:
            query = query.where(column < until)
        with self._transaction() as session:
            return builtins.list(session.scalars(query))



def _camera(row: CameraRow) -> CameraRecord:
    return CameraRecord(id=row.id, name=row.name, url=row.url, settings=row.settings,
                        desired=cast(DesiredState, row.desired), created=row.created,
                        counted_until=row.counted_until, owner=row.owner)


def _row(camera_id: str, record: Any) -> dict[str, Any]:
    """The INSERT values of a record (a dataclass whose fields are the columns)."""
    return {"camera_id": camera_id,
            **{name: getattr(record, name) for name in record.__dataclass_fields__}}


def _encode_heat(heat: np.ndarray) -> bytes:
    if heat.ndim != 2 or max(heat.shape) > MAX_HEAT_SIDE:
        raise ValueError(f"a heat snapshot is a 2-D grid at most {MAX_HEAT_SIDE} a side, "
                         f"got shape {heat.shape}")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, heat=heat.astype(np.float16))
    return buffer.getvalue()


def _decode_heat(blob: bytes) -> np.ndarray:
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        return arrays["heat"].astype(np.float32)


def _check_text(value: object, what: str, limit: int) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} is text, got {type(value).__name__}")
    if not value.strip() or len(value) > limit:
        raise ValueError(f"{what} has 1 to {limit} characters, not all blank")
    if "\x00" in value:
        raise ValueError(f"{what} cannot contain a NUL character")


def _json_copy(settings: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict, got {type(settings).__name__}")
    return cast(dict[str, Any], json.loads(json.dumps(settings, allow_nan=False)))
