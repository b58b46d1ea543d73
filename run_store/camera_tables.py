"""The camera tables: cameras, and what each one counted, the same on SQLite and
PostgreSQL.

Invariants:
- `cameras.url` is stored exactly as given (credentials included, so the worker can
  connect); nothing in the store ever shows it: records hide it from `repr`, and pages
  show `workers.redact_url(url)`.
- What a camera measured is append-only rows keyed by camera and time (intervals,
  events, heat snapshots, gaps), each indexed on (camera_id, time) so reading a window
  and pruning by age are range scans. Rows of a removed camera go with it (the store
  deletes them in the same transaction; no database-side cascade is relied upon, since
  SQLite enforces foreign keys only on request).
- `cameras.counted_until` is the end of the last flushed data: what a restarted worker
  reads to record the seconds it lost as a gap.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from run_store.schema import ROW_ID, Base, UtcDateTime

__all__ = ["CameraEventRow", "CameraRow", "GapRow", "HeatSnapshotRow", "IntervalRow"]

# An INTEGER PRIMARY KEY on SQLite (the rowid), a BIGINT on PostgreSQL: intervals of
# many cameras over months outgrow 32 bits only in theory, but it costs nothing.


class CameraRow(Base):
    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    desired: Mapped[str] = mapped_column(String(8))
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    counted_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Who added it when signed in (None: without sign-in); `database.migrate` adds the
    # column to databases made before it.
    owner: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)


class IntervalRow(Base):
    __tablename__ = "camera_intervals"
    __table_args__ = (Index("ix_camera_intervals_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime] = mapped_column(UtcDateTime)
    seconds: Mapped[float] = mapped_column(Float)
    region: Mapped[str] = mapped_column(Text)
    class_name: Mapped[str] = mapped_column(Text)
    in_count: Mapped[int] = mapped_column(Integer)
    out_count: Mapped[int] = mapped_column(Integer)
    peak_inside: Mapped[int] = mapped_column(Integer)
    mean_inside: Mapped[float] = mapped_column(Float)


class CameraEventRow(Base):
    __tablename__ = "camera_events"
    __table_args__ = (Index("ix_camera_events_camera_at", "camera_id", "at"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    region: Mapped[str] = mapped_column(Text)
    class_name: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(3))
    track_id: Mapped[int] = mapped_column(BigInteger)


class HeatSnapshotRow(Base):
    __tablename__ = "camera_heat"
    __table_args__ = (Index("ix_camera_heat_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime] = mapped_column(UtcDateTime)
    end: Mapped[datetime] = mapped_column(UtcDateTime)
    heat: Mapped[bytes] = mapped_column(LargeBinary)


class GapRow(Base):
    __tablename__ = "camera_gaps"
    __table_args__ = (Index("ix_camera_gaps_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime] = mapped_column(UtcDateTime)
    end: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text)
