"""How fast a camera's dashboard reads 90 days of history, on SQLite and PostgreSQL.

    python bench/analytics.py [--days 90] [--out bench/results-analytics.json]

Stores 90 days of one-minute intervals for one camera with two regions (a total row and
a per-class row each: 4 rows a minute, about 520,000 rows), then times what the
dashboard does when it opens a period: the database sums the intervals into buckets
(`CameraStore.buckets`), the dashboard builds the period's table, the period before
for the comparison, and the busiest-hours grid. The goal is under 2 s for 90 days on
this machine. Never a test: it measures the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard.cameras.analytics import (  # noqa: E402
    busiest_hours,
    counts_table,
    period_window,
    previous_window,
    step_for,
    totals_of,
)
from run_store import CameraStore, Flush, IntervalCount  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")


def fill(store: CameraStore, camera_id: str, first: datetime, days: int) -> int:
    rows = 0
    for day in range(days):
        start = first + timedelta(days=day)
        intervals = []
        for minute in range(1440):
            at = start + timedelta(minutes=minute)
            busy = 1 + (minute // 60 in (8, 12, 17)) * 4
            for region in ("door", "till"):
                intervals.append(IntervalCount(at, 60.0, region, "*", busy, busy - 1,
                                               minute % 7, 2.5))
                intervals.append(IntervalCount(at, 60.0, region, "person", busy, busy - 1))
        store.record(camera_id, Flush(intervals=tuple(intervals)))
        rows += len(intervals)
    return rows


def dashboard_open(store: CameraStore, camera_id: str, first: date, last: date) -> float:
    """Seconds for what the dashboard computes when it shows first..last."""
    began = time.perf_counter()
    since, until = period_window("Chosen days", ZONE, datetime.now(timezone.utc), first, last)
    step = step_for(since, until)
    bucket_s = int(min(step, timedelta(hours=1)).total_seconds())
    buckets = store.buckets(camera_id, since, until, bucket_s)
    table = counts_table(buckets, since, until, step, ZONE)
    before = previous_window(since, until, ZONE)
    totals_of(counts_table(store.buckets(camera_id, *before, bucket_s), *before, step, ZONE))
    hourly = buckets if bucket_s == 3600 else store.buckets(camera_id, since, until, 3600)
    busiest_hours(hourly, ZONE)  # as the dashboard does: the hourly sums once
    totals_of(table)
    return time.perf_counter() - began


def measure(url: str | None, folder: Path, days: int) -> dict[str, object]:
    store = CameraStore(url, folder)
    camera = store.add("Bench", "rtsp://127.0.0.1/cam", {})
    first = datetime.combine(date.today() - timedelta(days=days - 1), datetime.min.time(),
                             ZONE).astimezone(timezone.utc)
    began = time.perf_counter()
    rows = fill(store, camera.id, first, days)
    filled_s = time.perf_counter() - began
    last_day = date.today()
    timings = {label: round(min(dashboard_open(store, camera.id, last_day - timedelta(
        days=n - 1), last_day) for _ in range(3)), 3)
        for label, n in (("1 day", 1), ("7 days", 7), ("30 days", 30), (f"{days} days", days))}
    store.close()
    return {"rows": rows, "fill_s": round(filled_s, 1), "open_s": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results-analytics.json")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(None, Path(folder) / "sqlite", args.days)
        print("sqlite", results["sqlite"], flush=True)
        try:
            from tests.postgres_cluster import start_postgres_server

            servers = start_postgres_server()
            server = next(servers)
        except BaseException as error:  # pytest.skip outside pytest: say why, go on
            print(f"postgresql: not measured ({error})")
        else:
            with server.admin.connect() as connection:
                connection.exec_driver_sql("CREATE DATABASE bench")
            results["postgresql"] = measure(server.url("bench"), Path(folder) / "pg",
                                            args.days)
            print("postgresql", results["postgresql"], flush=True)
            servers.close()
    results.update(date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   machine={"cpus": os.cpu_count(), "processor": platform.processor(),
                            "python": platform.python_version()})
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
