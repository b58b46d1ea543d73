"""Counts of a camera summed into time buckets by the database, not in Python.

A camera stores one row per interval, region and class (a minute by default): 90 days
are over a hundred thousand rows a region. Charts over days want a few hundred points,
so the sum over each bucket (`bucket_s` seconds, aligned to the Unix epoch, in UTC) is a
GROUP BY in SQL, on both SQLite and PostgreSQL; the caller turns UTC buckets into the
viewer's days and hours (`dashboard.cameras.analytics`).

Invariants: windows are half-open, [since, until), on the interval's start; rows of
class "*" (a region's total) are the only ones with occupancy; `seconds` is the counted
time (so a bucket with none was not counted at all: a gap, not a zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Float, Integer, Select, cast, func, select

from run_store.camera_tables import IntervalRow

__all__ = ["TOTAL_CLASS", "Bucket", "bucket_query", "bucket_rows"]

TOTAL_CLASS = "*"


@dataclass(frozen=True)
class Bucket:
    """One region and class over one bucket starting at `start` (UTC)."""

    start: datetime
    region: str
    class_name: str
    in_count: int
    out_count: int
    peak_inside: int  # the most inside at once in the bucket (total rows only)
    inside_seconds: float  # mean inside x seconds, summed: / seconds for the mean
    seconds: float  # counted time in the bucket, summed over its intervals


def bucket_query(camera_id: str, since: datetime, until: datetime, bucket_s: int,
                 dialect: str) -> Select[int, str, str, int, int, int, Any, float]:
    """The GROUP BY for one camera's window; `dialect` names the database."""
    if bucket_s < 1:
        raise ValueError(f"bucket_s must be 1 or more, got {bucket_s}")
    epoch = (cast(func.strftime("%s", IntervalRow.start), Integer) if dialect == "sqlite"
             else cast(func.floor(func.extract("epoch", IntervalRow.start)), Integer))
    bucket = (epoch - epoch % bucket_s).label("bucket")
    return (select(bucket, IntervalRow.region, IntervalRow.class_name,
                   func.sum(IntervalRow.in_count), func.sum(IntervalRow.out_count),
                   func.max(IntervalRow.peak_inside),
                   func.sum(cast(IntervalRow.mean_inside * IntervalRow.seconds, Float)),
                   func.sum(IntervalRow.seconds))
            .where(IntervalRow.camera_id == camera_id, IntervalRow.start >= since,
                   IntervalRow.start < until)
            .group_by(bucket, IntervalRow.region, IntervalRow.class_name)
            .order_by(bucket, IntervalRow.region, IntervalRow.class_name))


def bucket_rows(rows: list[Any]) -> list[Bucket]:
    return [Bucket(datetime.fromtimestamp(int(b), timezone.utc), region, class_name,
                   int(i or 0), int(o or 0), int(p or 0), float(s_in or 0.0), float(s or 0.0))
            for b, region, class_name, i, o, p, s_in, s in rows]

