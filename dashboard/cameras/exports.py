"""A camera's period as one Excel workbook, a sheet per view: intervals per region and
class, occupancy per zone, busiest hours (and dwell per zone).

No Streamlit here. Invariants: every number is the dashboard's own (the tables of
`dashboard.cameras.analytics` over the view's stored sums); a step the camera did not
count is an empty cell, never a 0 (a class with no row in a step its region counted is
a 0: counted, none); times are the viewer's local time, written without a zone (Excel
has none) and named in the header.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pandas as pd

from dashboard.cameras.analytics import TOTAL, counts_table
from dashboard.cameras.dwell import dwell_table
from dashboard.cameras.period import PeriodView

__all__ = ["ALL_CLASSES", "SHEETS", "interval_rows", "occupancy_rows", "period_xlsx"]

SHEETS = ("Intervals", "Occupancy", "Busiest hours", "Dwell")
ALL_CLASSES = "all classes"


def interval_rows(view: PeriodView) -> pd.DataFrame:
    """IN, OUT, net and counted seconds per step, region and class (columns start,
    region, class, IN, OUT, net, counted_s); class ALL_CLASSES is the region's total."""
    frames = []
    regions = sorted({b.region for b in view.buckets}
                     if view.region is None else {view.region})
    for region in regions:
        total = counts_table(view.buckets, view.since, view.until, view.step, view.zone,
                             region)
        counted = total["counted_s"] > 0
        frames.append(total.assign(region=region, **{"class": ALL_CLASSES}))
        classes = sorted({b.class_name for b in view.buckets
                          if b.region == region and b.class_name != TOTAL})
        for name in classes:
            as_total = [replace(b, class_name=TOTAL) for b in view.buckets
                        if b.region == region and b.class_name == name]
            table = counts_table(as_total, view.since, view.until, view.step, view.zone,
                                 region)
            for column in ("IN", "OUT", "net"):
                table[column] = table[column].where(~counted | table[column].notna(), 0)
                table.loc[~counted, column] = float("nan")
            table["counted_s"] = total["counted_s"]
            frames.append(table.assign(region=region, **{"class": name}))
    columns = ["start", "region", "class", "IN", "OUT", "net", "counted_s"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def occupancy_rows(view: PeriodView) -> pd.DataFrame:
    """The most inside per step and zone (columns start, region, peak_inside)."""
    regions = sorted({b.region for b in view.buckets if b.class_name == TOTAL}
                     if view.region is None else {view.region})
    frames = [counts_table(view.buckets, view.since, view.until, view.step, view.zone, r)
              .assign(region=r).rename(columns={"peak": "peak_inside"})
              for r in regions]
    columns = ["start", "region", "peak_inside", "counted_s"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


def period_xlsx(view: PeriodView) -> bytes:
    """The workbook, as bytes of an .xlsx file."""
    header = f"start ({view.zone_name})"
    sheets = {
        "Intervals": _local(interval_rows(view), header),
        "Occupancy": _local(occupancy_rows(view), header),
        "Busiest hours": view.busiest.rename_axis("weekday").rename(
            columns=lambda hour: f"{hour:02d}:00"),
        "Dwell": dwell_table(view.dwell),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name in SHEETS:
            table = sheets[name]
            table.to_excel(writer, sheet_name=name, index=name == "Busiest hours")
            writer.sheets[name].freeze_panes = "B2" if name == "Busiest hours" else "A2"
    return buffer.getvalue()


def _local(table: pd.DataFrame, header: str) -> pd.DataFrame:
    if table.empty:
        return table.rename(columns={"start": header})
    starts = pd.to_datetime(table["start"])
    local = starts.dt.tz_localize(None) if starts.dt.tz is not None else starts
    return table.assign(start=local).rename(columns={"start": header})
