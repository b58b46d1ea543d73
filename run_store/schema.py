"""The `runs` table: one row per saved analysis, the same on SQLite and PostgreSQL.

Events and series are JSON columns of the row rather than tables of their own: they
are written once with the run, never updated, never queried across runs, and always
read whole to draw one run's dashboard. Keeping them in the row makes a save a single
INSERT (atomic without coordinating several tables) and keeps the dashboard working
from the database alone, with no file from the session that made the run. They are
stored as lists of rows in the CSV column order, and loaded only when asked for
(`deferred`), so listing runs stays light.

The compressed heatmap and the thumbnail are in the row for the same reason (a few
kB to a few MB); only the files offered for download (the annotated video above all)
live in the run's folder beside the database.

Ownership: `runs.owner` is the signed-in person who made the run (their id as the app
gives it, an email address), NULL for a run made without sign-in. `share_links` holds
only a hash of each link's token (the token itself is shown once, to the owner), and
`share_visits` who opened a link while signed in: a run is shared with them while that
link is neither revoked nor expired, so revoking a link takes their access away at once.
A camera row carries an owner the same way and is checked by the same rules; a share
link opens either one run (`run_id`) or one camera (`camera_id`, added to older
databases by `database.migrate`, which also lets `run_id` be NULL there).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["ROW_ID", "Base", "RunRow", "ShareLinkRow", "ShareVisitRow", "UtcDateTime"]


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive-in-UTC so both backends compare and sort
    it the same way (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous; give one with a time zone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(22), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    source: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    in_count: Mapped[int] = mapped_column(Integer)
    out_count: Mapped[int] = mapped_column(Integer)
    total_tracks: Mapped[int] = mapped_column(Integer)
    files: Mapped[list[str]] = mapped_column(JSON)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
    heatmap: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    events: Mapped[list[list[Any]]] = mapped_column(JSON, deferred=True)
    series: Mapped[list[list[Any]]] = mapped_column(JSON, deferred=True)
    # Added after the first release: `database.migrate` adds it to older databases.
    owner: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)


class ShareLinkRow(Base):
    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(22), primary_key=True)
    run_id: Mapped[str | None] = mapped_column(
        String(22), ForeignKey("runs.id", ondelete="CASCADE"), nullable=True, index=True)
    # The camera a link opens instead of a run. No foreign key: camera data is removed
    # with its camera by the store (see camera_tables).
    camera_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the token
    label: Mapped[str] = mapped_column(Text)  # who it is for, in the owner's words
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    expires: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ShareVisitRow(Base):
    __tablename__ = "share_visits"

    link_id: Mapped[str] = mapped_column(
        String(22), ForeignKey("share_links.id", ondelete="CASCADE"), primary_key=True)
    visitor: Mapped[str] = mapped_column(Text, primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)


# Row ids of the camera tables, which grow for as long as cameras run: 64-bit, but
# INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
ROW_ID = BigInteger().with_variant(Integer(), "sqlite")
