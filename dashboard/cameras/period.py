"""Everything a camera's dashboard shows for one period, in one frozen value, so that
the page, the Excel export and the HTML report show the same numbers.

No Streamlit here. `load_period` asks the store for sums only (buckets, the heat sum,
dwell stats, the gaps): nothing reads every stored row into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from dashboard.cameras.analytics import (
    PeriodTotals,
    busiest_hours,
    counts_table,
    previous_window,
    step_for,
    totals_of,
)
from dashboard.cameras.period_heat import heat_png, period_heat_image
from run_store import Bucket, CameraStore, DwellStats, Gap

__all__ = ["PeriodView", "bucket_seconds", "load_period"]


def bucket_seconds(since: datetime, until: datetime) -> int:
    """The store's bucket for the period's step: the step, or an hour for days (which
    are local days, made of hours)."""
    return int(min(step_for(since, until), timedelta(hours=1)).total_seconds())


@dataclass(frozen=True, eq=False)
class PeriodView:
    """A camera's period [since, until) as seen in `zone`, for `region` (None: all).
    `table` is `counts_table` (gaps NaN); `buckets` the store's sums per step (hourly
    when the step is a day), every region and class; `heat_png` None when no heat
    snapshot started in the period."""

    camera: str
    period: str
    zone: tzinfo
    since: datetime
    until: datetime
    step: timedelta
    region: str | None
    capacity: int | None
    buckets: tuple[Bucket, ...]
    table: pd.DataFrame
    totals: PeriodTotals
    previous: PeriodTotals
    busiest: pd.DataFrame
    dwell: tuple[DwellStats, ...]
    heat_png: bytes | None
    heat_note: str
    gaps: tuple[Gap, ...]

    @property
    def zone_name(self) -> str:
        return str(getattr(self.zone, "key", None) or self.since.tzname() or "UTC")

    def describe(self) -> str:
        """"Last 7 days: 23 Mar 2026 to 29 Mar 2026 (Europe/Berlin)"."""
        last = (self.until - timedelta(seconds=1)).astimezone(self.zone)
        return (f"{self.period}: {self.since.astimezone(self.zone):%d %b %Y} to "
                f"{last:%d %b %Y} ({self.zone_name})")


def load_period(store: CameraStore, camera_id: str, *, camera: str, period: str,
                since: datetime, until: datetime, zone: tzinfo, region: str | None = None,
                capacity: int | None = None, frame: npt.NDArray[np.uint8] | None = None,
                options: dict[str, Any] | None = None,
                buckets: list[Bucket] | None = None) -> PeriodView:
    """The period's view from the store. `frame` is the scene to draw the heat on
    (None: on black); `options` the camera's heatmap options (colormap, opacity);
    `buckets` what `bucket_seconds(since, until)` gave, if the caller has it already."""
    step = step_for(since, until)
    bucket_s = bucket_seconds(since, until)
    if buckets is None:
        buckets = store.buckets(camera_id, since, until, bucket_s)
    hourly = buckets if bucket_s == 3600 else store.buckets(camera_id, since, until, 3600)
    table = counts_table(buckets, since, until, step, zone, region)
    before = previous_window(since, until, zone)
    previous = totals_of(counts_table(store.buckets(camera_id, *before, bucket_s), *before,
                                      step, zone, region))
    total = store.heat_sum(camera_id, since, until)
    heat, note = None, "No heat was stored in this period."
    if total is not None:
        heat = heat_png(period_heat_image(total, frame, options))
        note = (f"Heat of {total.snapshots} stored periods, "
                f"{total.start.astimezone(zone):%d %b %H:%M} to "
                f"{total.end.astimezone(zone):%d %b %H:%M}"
                + ("" if frame is not None else ", drawn without the scene (the camera is "
                   "not running)")
                + (f"; {total.left_out} from before the stream's frame size changed are "
                   "left out" if total.left_out else "") + ".")
    return PeriodView(
        camera=camera, period=period, zone=zone, since=since, until=until, step=step,
        region=region, capacity=capacity, buckets=tuple(buckets), table=table,
        totals=totals_of(table), previous=previous,
        busiest=busiest_hours(hourly, zone, region),
        dwell=tuple(store.dwell_stats(camera_id, since, until, region)), heat_png=heat,
        heat_note=note, gaps=tuple(store.gaps(camera_id, since=since, until=until)))
