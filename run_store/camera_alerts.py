"""Fired alerts of cameras: the `camera_alerts` table and its record.

Invariants:
- An alert's `id` is made by whoever fired it from the camera, the rule and the time
  (`workers.alert_rules.alert_id`), so the same alert noticed twice (by a worker that
  restarted, or by the server watching a worker that is gone) is stored once: a second
  insert of the same id is ignored, on SQLite and PostgreSQL alike.
- `delivery` says what became of its webhook POST, in words with no URL in them:
  None (no webhook), "sending", "sent (HTTP 200)", "webhook failed: ... after 3 tries".
- Rows go with their camera (removed in the same transaction) and are pruned by age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, String, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from run_store.schema import Base, UtcDateTime

__all__ = ["AlertRow", "CameraAlert", "insert_new_alerts"]


class AlertRow(Base):
    __tablename__ = "camera_alerts"
    __table_args__ = (Index("ix_camera_alerts_camera_at", "camera_id", "at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    measured: Mapped[str] = mapped_column(Text)
    delivery: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True)
class CameraAlert:
    """A fired alert: when its condition held (`at`, aware UTC), the rule in words, the
    measured value (and in words), and what became of its webhook POST."""

    id: str
    at: datetime
    kind: str
    rule: str
    value: float
    measured: str
    delivery: str | None = None


def insert_new_alerts(session: Session, camera_id: str,
                      alerts: tuple[CameraAlert, ...]) -> list[CameraAlert]:
    """Insert the alerts whose id is not stored yet; the ones inserted."""
    new = []
    for alert in alerts:
        values: dict[str, Any] = {"camera_id": camera_id,
                                  **{k: getattr(alert, k) for k in alert.__dataclass_fields__}}
        if session.execute(_insert_unless_stored(session, values)).rowcount:  # type: ignore[attr-defined]
            new.append(alert)
    return new


def _insert_unless_stored(session: Session, values: dict[str, Any]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(AlertRow).values(**values).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(AlertRow).values(**values).on_conflict_do_nothing()
    return insert(AlertRow).values(**values)  # pragma: no cover - SQLite and PostgreSQL only
