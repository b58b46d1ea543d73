"""How long objects stayed in a camera's zones: one row per finished visit, and the
median, 90th percentile and distribution of a window, worked out by the database.

Camera events do not carry dwell: a visit of a track first seen inside has no IN, a
track lost inside leaves when it was last seen (not when its OUT was flushed), and
track ids start again with every worker; so the worker stores each visit as the zone
counter measured it (`DwellVisit`), next to the counts.

Invariants: `at` is when the visit ended (UTC) and windows are half-open, [since,
until), on it; percentiles are exact, interpolated linearly between the two nearest
visits (numpy's default); the histogram counts visits between fixed edges
(`DWELL_EDGES_S`), so a region with no visit in the window has no stats at all (not
zeros). `histogram_query` and `percentile_query` are the plain definition, in SQL (a
GROUP BY, and a window function that returns two rows per percentile and region);
`CameraStore.dwell_stats` reads day roll-ups instead (`camera_days`) and computes the
same numbers from sorted durations with `dwell_stats_of_sorted`, which the spec tests
hold equal to the SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    Float,
    Index,
    Select,
    String,
    Text,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from run_store.schema import ROW_ID, Base, UtcDateTime

__all__ = ["DWELL_EDGES_S", "DWELL_PERCENTS", "DwellRow", "DwellStats", "DwellVisit",
           "bin_labels", "dwell_stats_of", "dwell_stats_of_sorted", "histogram_query",
           "percentile_query"]

# Upper edges of the histogram's bins, in seconds; the last bin is "an hour or more".
DWELL_EDGES_S = (5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
DWELL_PERCENTS = (50, 90)



class DwellRow(Base):
    """A table added after the first release: `prepare` creates it in an older
    database (CREATE TABLE IF NOT EXISTS, with its index), so no ALTER is needed."""

    __tablename__ = "camera_dwells"
    __table_args__ = (Index("ix_camera_dwells_camera_at", "camera_id", "at"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    region: Mapped[str] = mapped_column(Text)
    class_name: Mapped[str] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float)
    track_id: Mapped[int] = mapped_column(BigInteger)


@dataclass(frozen=True)
class DwellVisit:
    """One finished visit of a zone: it ended at `at` (UTC) after `seconds` inside."""

    at: datetime
    region: str
    class_name: str
    seconds: float
    track_id: int


@dataclass(frozen=True)
class DwellStats:
    """The visits of one zone that ended in a window. `histogram[i]` counts visits
    shorter than `DWELL_EDGES_S[i]` (and not shorter than the edge before); the last
    count is for visits of `DWELL_EDGES_S[-1]` or more."""

    region: str
    visits: int
    median_s: float
    p90_s: float
    histogram: tuple[int, ...]


def bin_labels() -> list[str]:
    """The histogram's bins in words ("<5 s", "5-10 s", ..., "1 h or more")."""
    def short(seconds: float) -> str:
        if seconds < 60:
            return f"{seconds:g} s"
        return f"{seconds / 60:g} min" if seconds < 3600 else f"{seconds / 3600:g} h"

    edges = DWELL_EDGES_S
    return ([f"under {short(edges[0])}"]
            + [f"{short(a)} to {short(b)}" for a, b in pairwise(edges)]
            + [f"{short(edges[-1])} or more"])


def _window(camera_id: str, since: datetime, until: datetime,
            region: str | None) -> list[Any]:
    where = [DwellRow.camera_id == camera_id, DwellRow.at >= since, DwellRow.at < until]
    if region is not None:
        where.append(DwellRow.region == region)
    return where


def histogram_query(camera_id: str, since: datetime, until: datetime,
                    region: str | None = None) -> Select[Any]:
    """(region, bin, visits) rows: bin i as `DwellStats.histogram`."""
    bin_of = case(*((DwellRow.seconds < edge, index)
                    for index, edge in enumerate(DWELL_EDGES_S)),
                  else_=len(DWELL_EDGES_S)).label("bin")
    binned = (select(DwellRow.region, bin_of)
              .where(*_window(camera_id, since, until, region)).subquery())
    return (select(binned.c.region, binned.c.bin, func.count())
            .group_by(binned.c.region, binned.c.bin))


def percentile_query(camera_id: str, since: datetime, until: datetime,
                     region: str | None = None) -> Select[Any]:
    """(region, rank, visits, seconds) of only the visits the percentiles fall between:
    ranks k+1 and k+2 (1-based) for k = (visits - 1) * p // 100, in integer SQL."""
    ranked = (select(DwellRow.region, DwellRow.seconds,
                     func.row_number().over(partition_by=DwellRow.region,
                                            order_by=(DwellRow.seconds, DwellRow.id))
                     .label("rank"),
                     func.count().over(partition_by=DwellRow.region).label("visits"))
              .where(*_window(camera_id, since, until, region)).subquery())
    wanted = []
    for percent in DWELL_PERCENTS:
        k = (ranked.c.visits - 1) * percent // 100
        wanted += [ranked.c.rank == k + 1, ranked.c.rank == k + 2]
    return select(ranked.c.region, ranked.c.rank, ranked.c.visits,
                  ranked.c.seconds).where(or_(*wanted))


def dwell_stats_of(histogram_rows: Sequence[Any],
                   percentile_rows: Sequence[Any]) -> list[DwellStats]:
    """Stats per region, by name, from the rows of the two queries."""
    bins: dict[str, list[int]] = defaultdict(lambda: [0] * (len(DWELL_EDGES_S) + 1))
    for region, index, visits in histogram_rows:
        bins[region][int(index)] += int(visits)
    ranked: dict[str, dict[int, float]] = defaultdict(dict)
    totals: dict[str, int] = {}
    for region, rank, visits, seconds in percentile_rows:
        ranked[region][int(rank)] = float(seconds)
        totals[region] = int(visits)
    stats = []
    for region in sorted(totals):
        n, values = totals[region], ranked[region]
        median, p90 = (_interpolated(values, n, percent) for percent in DWELL_PERCENTS)
        stats.append(DwellStats(region, n, median, p90, tuple(bins[region])))
    return stats


def dwell_stats_of_sorted(region: str, seconds: npt.NDArray[np.float64]) -> DwellStats:
    """The stats of one region from all its durations in the window, sorted ascending:
    the same ranks, interpolation and `seconds < edge` bins as the SQL."""
    n = len(seconds)
    ranked = {rank: float(seconds[rank - 1]) for percent in DWELL_PERCENTS
              for rank in _ranks(n, percent) if rank <= n}
    below = np.searchsorted(seconds, DWELL_EDGES_S, side="left")  # visits < each edge
    histogram = np.diff(np.concatenate(([0], below, [n])))
    median, p90 = (_interpolated(ranked, n, percent) for percent in DWELL_PERCENTS)
    return DwellStats(region, n, median, p90, tuple(int(c) for c in histogram))


def _ranks(n: int, percent: int) -> tuple[int, int]:
    k = (n - 1) * percent // 100
    return k + 1, k + 2


def _interpolated(values: dict[int, float], n: int, percent: int) -> float:
    k = (n - 1) * percent // 100
    fraction = (n - 1) * percent / 100 - k
    low = values[k + 1]
    high = values.get(k + 2, low)
    return low + (high - low) * fraction
