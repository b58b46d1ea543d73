"""Day roll-ups of a camera's counts, heat snapshots and zone visits, so that a period
of months reads a row a day instead of every stored interval, snapshot and visit.

A dashboard period is mostly whole days. For each whole UTC day that ended at least
`SETTLED` ago, a row of `camera_days` holds, per kind:
- "counts": the day's hourly buckets, as `camera_buckets.bucket_query` gave them (an
  hour never straddles a UTC midnight, so a window's hourly buckets are its days'
  buckets and those of its two ends, each summed by the database from the same rows);
- "heat": per grid shape, the float64 sum of the day's snapshots (by start), how many,
  the start of the first, and the start, id and end of the newest;
- "dwell": per zone, the durations of the visits that ended in the day, sorted.
A period is then its settled whole days from roll-ups plus its two partial ends (and
any day not settled yet) from the stored rows, combined exactly as the plain
definitions combine the rows (`bucket_query` over the window;
`CameraStore.heat` summed on the newest snapshot's grid;
`camera_dwells.histogram_query` and `percentile_query`): stored heat is float16, so
every cell is a multiple of 2**-24 and float64 sums of them are exact in any order
while a cell's sum stays below 2**29 object-seconds; percentiles are picked from the
merged sorted durations at the same ranks and interpolated by the same function.

Invariants (why a roll-up never disagrees with the rows it stands for):
- It is written from its day's rows as one transaction read them, with their count
  and largest id; once it is committed the rows are counted again, and a roll-up that
  no longer matches (a write or a prune raced it) is deleted.
- `CameraStore.record` deletes the roll-ups of the days it writes rows into, `prune`
  those of every day it cuts into (and older), `remove` all of the camera's.
- Only days that ended `SETTLED` ago are rolled up (a worker writes a visit a few
  seconds after it ended, and a snapshot when its period closes), and days before the
  camera's oldest stored row are known to be empty without one.
- A roll-up is a cache: losing it, or a database from before roll-ups (the table is
  created when missing), costs time once, never a different answer.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    JSON,
    BigInteger,
    Delete,
    Index,
    Integer,
    LargeBinary,
    String,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from run_store.camera_buckets import Bucket, bucket_query, bucket_rows
from run_store.camera_dwells import DwellRow, DwellStats, dwell_stats_of_sorted
from run_store.camera_records import HeatSum
from run_store.camera_tables import HeatSnapshotRow, IntervalRow
from run_store.schema import ROW_ID, Base, UtcDateTime

__all__ = ["DAY", "SETTLED", "CameraDayRow", "DayRollups", "HeatPart", "day_of",
           "heat_parts", "heat_total", "stale_days"]

DAY = timedelta(days=1)
SETTLED = timedelta(hours=1)
Kind = Literal["counts", "heat", "dwell"]
ROLLED_UP_BUCKET_S = 3600  # the bucket of long periods (`dashboard.cameras.period`)
_HEAT_BATCH = 64  # snapshots decoded per fetch: a read never holds a window's rows



class CameraDayRow(Base):
    """One camera's heat or visits of one UTC day (`day` its midnight), summed. A
    table added after the first release: `prepare` creates it when missing."""

    __tablename__ = "camera_days"
    __table_args__ = (Index("ux_camera_days_camera_kind_day", "camera_id", "kind", "day",
                            unique=True),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    day: Mapped[datetime] = mapped_column(UtcDateTime)
    rows: Mapped[int] = mapped_column(Integer)  # stored rows it was made from
    max_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    meta: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # zlib of the float64 arrays


def day_of(at: datetime) -> datetime:
    """The UTC midnight at or before `at`."""
    return at.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def _whole_days(since: datetime, until: datetime, now: datetime) -> tuple[datetime, datetime]:
    """[first, end): the whole UTC days in [since, until) that ended `SETTLED` before
    `now` (first == end: none)."""
    first = day_of(since)
    if first < since:
        first += DAY
    end = min(day_of(until), day_of(now - SETTLED))
    return first, max(first, end)


def _ends(since: datetime, until: datetime,
          span: tuple[datetime, datetime]) -> list[tuple[datetime, datetime]]:
    """What of [since, until) the day roll-ups of `span` leave to the stored rows."""
    first, end = span
    if first == end:
        return [(since, until)]
    return [(a, b) for a, b in ((since, first), (end, until)) if a < b]


# -- heat --------------------------------------------------------------------------


@dataclass
class HeatPart:
    """Snapshots of one grid shape, added up: how `heat_total` combines them."""

    heat: npt.NDArray[np.float64]
    snapshots: int
    first: datetime  # start of the oldest
    newest: tuple[datetime, int]  # (start, id) of the newest
    newest_end: datetime


def heat_parts(rows: Iterable[Any],
               decode: Callable[[bytes], npt.NDArray[np.float32]]) -> list[HeatPart]:
    """(id, start, end, blob) snapshot rows, summed per grid shape."""
    parts: dict[tuple[int, ...], HeatPart] = {}
    for row_id, start, end, blob in rows:
        heat = decode(blob)
        part = parts.get(heat.shape)
        if part is None:
            parts[heat.shape] = HeatPart(heat.astype(np.float64), 1, start,
                                         (start, row_id), end)
            continue
        part.heat += heat
        part.snapshots += 1
        part.first = min(part.first, start)
        if (start, row_id) > part.newest:
            part.newest, part.newest_end = (start, row_id), end
    return list(parts.values())


def heat_total(parts: Sequence[HeatPart]) -> HeatSum | None:
    """The parts on the newest snapshot's grid, added up; the others are left out."""
    if not parts:
        return None
    newest = max(parts, key=lambda p: p.newest)
    shape = newest.heat.shape
    total = np.zeros(shape, np.float64)
    added = left_out = 0
    first = newest.first
    for part in parts:
        if part.heat.shape != shape:
            left_out += part.snapshots
            continue
        total += part.heat
        added += part.snapshots
        first = min(first, part.first)
    return HeatSum(first, newest.newest_end, total.astype(np.float32), added, left_out)


def _pack_heat(parts: Sequence[HeatPart]) -> tuple[list[dict[str, Any]], bytes]:
    meta = [{"shape": list(p.heat.shape), "snapshots": p.snapshots,
             "first": p.first.isoformat(), "newest": p.newest[0].isoformat(),
             "newest_id": p.newest[1], "newest_end": p.newest_end.isoformat()}
            for p in parts]
    return meta, zlib.compress(b"".join(p.heat.tobytes() for p in parts), 1)


def _unpack_heat(meta: list[dict[str, Any]], data: bytes) -> list[HeatPart]:
    raw, offset, parts = zlib.decompress(data) if meta else b"", 0, []
    for m in meta:
        shape = tuple(m["shape"])
        size = int(np.prod(shape)) * 8
        heat = np.frombuffer(raw, np.float64, size // 8, offset).reshape(shape).copy()
        offset += size
        parts.append(HeatPart(heat, m["snapshots"], datetime.fromisoformat(m["first"]),
                              (datetime.fromisoformat(m["newest"]), m["newest_id"]),
                              datetime.fromisoformat(m["newest_end"])))
    return parts


# -- dwell -------------------------------------------------------------------------


Durations = dict[str, npt.NDArray[np.float64]]


def _durations(rows: Iterable[Any]) -> Durations:
    """(id, region, seconds) visit rows: each region's durations, sorted."""
    by_region: dict[str, list[float]] = {}
    for _id, region, seconds in rows:
        by_region.setdefault(region, []).append(seconds)
    return {region: np.sort(np.asarray(values, np.float64))
            for region, values in by_region.items()}


def _pack_dwell(durations: Durations) -> tuple[list[dict[str, Any]], bytes]:
    regions = sorted(durations)
    meta = [{"region": r, "visits": len(durations[r])} for r in regions]
    return meta, zlib.compress(b"".join(durations[r].tobytes() for r in regions), 1)


def _unpack_dwell(meta: list[dict[str, Any]], data: bytes) -> Durations:
    raw, offset, durations = zlib.decompress(data) if meta else b"", 0, {}
    for m in meta:
        durations[m["region"]] = np.frombuffer(raw, np.float64, m["visits"], offset)
        offset += m["visits"] * 8
    return durations


# -- counts --------------------------------------------------------------------------


def _pack_counts(buckets: Sequence[Bucket]) -> tuple[list[dict[str, Any]], bytes]:
    return [{"start": b.start.isoformat(), "region": b.region, "class": b.class_name,
             "in": b.in_count, "out": b.out_count, "peak": b.peak_inside,
             "inside_s": b.inside_seconds, "s": b.seconds} for b in buckets], b""


def _unpack_counts(meta: list[dict[str, Any]], _data: bytes) -> list[Bucket]:
    return [Bucket(datetime.fromisoformat(m["start"]), m["region"], m["class"], m["in"],
                   m["out"], m["peak"], m["inside_s"], m["s"]) for m in meta]


_UNPACK: dict[str, Callable[[list[dict[str, Any]], bytes], Any]] = {
    "counts": _unpack_counts, "heat": _unpack_heat, "dwell": _unpack_dwell}


# -- the store's side ----------------------------------------------------------------


_TIME = {"counts": IntervalRow.start, "heat": HeatSnapshotRow.start, "dwell": DwellRow.at}


def _rows_query(kind: Kind, camera_id: str, since: datetime, until: datetime) -> Any:
    table: Any = HeatSnapshotRow if kind == "heat" else DwellRow
    columns: tuple[Any, ...] = ((table.id, table.start, table.end, table.heat)
                                if kind == "heat" else (table.id, table.region, table.seconds))
    column = _TIME[kind]
    return (select(*columns).where(table.camera_id == camera_id, column >= since,
                                   column < until)
            .execution_options(yield_per=_HEAT_BATCH))


def stale_days(camera_id: str, kind: Kind, days: Iterable[datetime]) -> Delete | None:
    """The DELETE of the camera's roll-ups of `days` (whose rows are being written)."""
    wanted = sorted({day_of(d) for d in days})
    if not wanted:
        return None
    return delete(CameraDayRow).where(CameraDayRow.camera_id == camera_id,
                                      CameraDayRow.kind == kind,
                                      CameraDayRow.day.in_(wanted))


def pruned_days(kind: Kind, before: datetime, camera_id: str | None) -> Delete:
    """The DELETE of roll-ups of days that start before `before` (the prune's cut):
    the day it cuts into changed, and older days are gone."""
    statement = delete(CameraDayRow).where(CameraDayRow.kind == kind,
                                           CameraDayRow.day < before)
    if camera_id is not None:
        statement = statement.where(CameraDayRow.camera_id == camera_id)
    return statement


class DayRollups:
    """Hourly buckets, heat sums and dwell stats of a camera over any window, from day
    roll-ups and the stored rows of the window's ends; makes the roll-ups it finds
    missing. `transaction` opens one (the store's), `clock` says now."""

    def __init__(self, transaction: Callable[[], AbstractContextManager[Session]],
                 clock: Callable[[], datetime],
                 decode_heat: Callable[[bytes], npt.NDArray[np.float32]],
                 dialect: str) -> None:
        self._transaction = transaction
        self._clock = clock
        self._decode = decode_heat
        self._dialect = dialect

    def buckets(self, camera_id: str, since: datetime, until: datetime,
                bucket_s: int) -> list[Bucket]:
        if bucket_s != ROLLED_UP_BUCKET_S:
            return self._bucket_rows(camera_id, since, until, bucket_s)
        span = self._span("counts", camera_id, since, until)
        ends = _ends(since, until, span)
        before = [e for e in ends if e[1] <= span[0]]  # the start's end, if any
        rows = [row for a, b in before
                for row in self._bucket_rows(camera_id, a, b, bucket_s)]
        for contents, _ in self._days("counts", camera_id, span):
            rows += contents
        for a, b in ends[len(before):]:
            rows += self._bucket_rows(camera_id, a, b, bucket_s)
        return rows

    def _bucket_rows(self, camera_id: str, since: datetime, until: datetime,
                     bucket_s: int) -> list[Bucket]:
        query = bucket_query(camera_id, since, until, bucket_s, self._dialect)
        with self._transaction() as session:
            return bucket_rows(list(session.execute(query)))

    def heat_sum(self, camera_id: str, since: datetime, until: datetime) -> HeatSum | None:
        span = self._span("heat", camera_id, since, until)
        parts: list[HeatPart] = []
        for contents, _ in self._days("heat", camera_id, span):
            parts += contents
        for a, b in _ends(since, until, span):
            with self._transaction() as session:
                parts += heat_parts(session.execute(_rows_query("heat", camera_id, a, b)),
                                    self._decode)
        return heat_total(parts)

    def dwell_stats(self, camera_id: str, since: datetime, until: datetime,
                    region: str | None = None) -> list[DwellStats]:
        span = self._span("dwell", camera_id, since, until)
        pieces: dict[str, list[npt.NDArray[np.float64]]] = {}
        days = [contents for contents, _ in self._days("dwell", camera_id, span)]
        for a, b in _ends(since, until, span):
            with self._transaction() as session:
                days.append(_durations(session.execute(
                    _rows_query("dwell", camera_id, a, b))))
        for durations in days:
            for name, values in durations.items():
                if region is None or name == region:
                    pieces.setdefault(name, []).append(values)
        return [dwell_stats_of_sorted(name, np.sort(np.concatenate(pieces[name])))
                for name in sorted(pieces)]

    def roll_up(self, camera_id: str, since: datetime, until: datetime,
                limit: int | None = None) -> int:
        """Make the missing roll-ups of the settled days in [since, until), newest
        first, at most `limit` days a kind; returns how many were made."""
        made = 0
        for kind in ("counts", "heat", "dwell"):
            span = self._span(kind, camera_id, since, until)
            for _ in self._days(kind, camera_id, span, limit=limit, only_missing=True):
                made += 1
        return made

    # -- internals ---------------------------------------------------------------

    def _span(self, kind: Kind, camera_id: str, since: datetime,
              until: datetime) -> tuple[datetime, datetime]:
        """The window's settled whole days, less those before the oldest stored row."""
        first, end = _whole_days(since, until, self._clock())
        if first < end:
            with self._transaction() as session:
                oldest = session.scalar(select(func.min(_TIME[kind]))
                                        .where(_TIME[kind].class_.camera_id == camera_id))
            first = end if oldest is None else min(end, max(first, day_of(oldest)))
        return first, end

    def _days(self, kind: Kind, camera_id: str, span: tuple[datetime, datetime], *,
              limit: int | None = None, only_missing: bool = False) -> Iterator[Any]:
        """(contents, day) of each day of `span`: from its roll-up, or made now."""
        first, end = span
        if first == end:
            return
        with self._transaction() as session:
            stored = {row.day: (row.meta, row.data) for row in session.execute(
                select(CameraDayRow.day, CameraDayRow.meta, CameraDayRow.data)
                .where(CameraDayRow.camera_id == camera_id, CameraDayRow.kind == kind,
                       CameraDayRow.day >= first, CameraDayRow.day < end))}
        unpack: Callable[..., Any] = _UNPACK[kind]
        days = [first + DAY * i for i in range((end - first) // DAY)]
        missing = set([day for day in reversed(days) if day not in stored][:limit])
        for day in days:  # in order: buckets are listed by time
            if day in missing:
                yield self._make(kind, camera_id, day), day
            elif day in stored and not only_missing:
                yield unpack(*stored[day]), day

    def _make(self, kind: Kind, camera_id: str, day: datetime) -> Any:
        with self._transaction() as session:
            if kind == "counts":  # the fingerprint from the same statement as the sums
                query = bucket_query(camera_id, day, day + DAY, ROLLED_UP_BUCKET_S,
                                     self._dialect).add_columns(func.count(),
                                                                func.max(IntervalRow.id))
                grouped = list(session.execute(query))
                contents: Any = bucket_rows([row[:-2] for row in grouped])
                meta, data = _pack_counts(contents)
                made = (sum(int(row[-2]) for row in grouped),
                        max((int(row[-1]) for row in grouped), default=None))
            else:
                rows = list(session.execute(_rows_query(kind, camera_id, day, day + DAY)))
                made = (len(rows), max((r[0] for r in rows), default=None))
                if kind == "heat":
                    contents = heat_parts(rows, self._decode)
                    meta, data = _pack_heat(contents)
                else:
                    contents = _durations(rows)
                    meta, data = _pack_dwell(contents)
        try:
            with self._transaction() as session:
                session.execute(insert(CameraDayRow).values(
                    camera_id=camera_id, kind=kind, day=day, rows=made[0], max_id=made[1],
                    meta=meta, data=data))
        except DBAPIError:  # made by another process meanwhile (or locked): a cache
            return contents  # write that fails costs this read nothing
        if self._count(kind, camera_id, day) != made:  # raced by a write or a prune
            with self._transaction() as session:
                session.execute(delete(CameraDayRow).where(
                    CameraDayRow.camera_id == camera_id, CameraDayRow.kind == kind,
                    CameraDayRow.day == day))
        return contents

    def _count(self, kind: Kind, camera_id: str, day: datetime) -> tuple[int, int | None]:
        column = _TIME[kind]
        table: Any = column.class_
        with self._transaction() as session:
            count, max_id = session.execute(
                select(func.count(), func.max(table.id))
                .where(table.camera_id == camera_id, column >= day, column < day + DAY)).one()
        return int(count), None if max_id is None else int(max_id)
