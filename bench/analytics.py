"""How fast a camera's dashboard reads 90 days of history, on SQLite and PostgreSQL.

    python bench/analytics.py [--days 90] [--out bench/results-analytics.json]

Stores 90 days of what a busy camera's worker writes: one-minute intervals with two
regions (a total row and a per-class row each: 4 rows a minute, about 520,000 rows),
a heat snapshot every 15 minutes (the default `heat_every_s`, on the default 96-cell
grid of a 16:9 stream: 8,640 snapshots) and two finished zone visits a minute (about
260,000). Then it makes the day roll-ups, as the workers do hour by hour (timed
apart: a database upgraded with months of history pays it once), and times what
the dashboard does when it opens a period, part by part: the counts (the database
sums the intervals into buckets, the period's table, the period before for the
comparison, the busiest-hours grid), the heat (`CameraStore.heat_sum` and the
image), the dwell stats (`CameraStore.dwell_stats`), and the whole
(`dashboard.cameras.period.load_period`, as the page calls it). The goal is under 2 s
for 90 days on this machine; the load average is printed with the figures (the
machine is shared). Never a test: it measures the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from dashboard.cameras.analytics import (  # noqa: E402
    busiest_hours,
    counts_table,
    period_window,
    previous_window,
    step_for,
    totals_of,
)
from dashboard.cameras.period import bucket_seconds, load_period  # noqa: E402
from dashboard.cameras.period_heat import heat_png, period_heat_image  # noqa: E402
from run_store import (  # noqa: E402
    CameraStore,
    DwellVisit,
    Flush,
    HeatSnapshot,
    IntervalCount,
)

ZONE = ZoneInfo("Europe/Berlin")
HEAT_EVERY = timedelta(minutes=15)  # workers.CameraSettings.heat_every_s
HEAT_GRID = (54, 96)  # heat_grid 96 on a 16:9 stream
VISITS_PER_MINUTE = 2


def fill(store: CameraStore, camera_id: str, first: datetime, days: int) -> dict[str, int]:
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:HEAT_GRID[0], 0:HEAT_GRID[1]]
    counted = {"intervals": 0, "heat_snapshots": 0, "dwell_visits": 0}
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
        heat = []
        for period in range(timedelta(days=1) // HEAT_EVERY):
            at = start + period * HEAT_EVERY
            cy, cx = rng.random(2) * HEAT_GRID
            grid = 900 * np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / 200) * rng.random()
            heat.append(HeatSnapshot(at, at + HEAT_EVERY, grid.astype(np.float32)))
        n = 1440 * VISITS_PER_MINUTE
        ended = np.sort(rng.random(n)) * 86400
        seconds = rng.lognormal(3.0, 1.2, n)
        dwells = tuple(DwellVisit(start + timedelta(seconds=float(e)), ("door", "till")[i % 2],
                                  "person", float(s), i) for i, (e, s) in
                       enumerate(zip(ended, seconds, strict=True)))
        store.record(camera_id, Flush(intervals=tuple(intervals), heat=tuple(heat),
                                      dwells=dwells))
        counted["intervals"] += len(intervals)
        counted["heat_snapshots"] += len(heat)
        counted["dwell_visits"] += len(dwells)
    return counted


def _timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def dashboard_open(store: CameraStore, camera_id: str, first: date,
                   last: date) -> dict[str, float]:
    """Seconds for each part of what the dashboard computes when it shows first..last,
    and for the whole as the page does it."""
    since, until = period_window("Chosen days", ZONE, datetime.now(timezone.utc), first, last)
    step = step_for(since, until)
    bucket_s = bucket_seconds(since, until)

    def counts() -> None:
        buckets = store.buckets(camera_id, since, until, bucket_s)
        table = counts_table(buckets, since, until, step, ZONE)
        before = previous_window(since, until, ZONE)
        totals_of(counts_table(store.buckets(camera_id, *before, bucket_s), *before, step,
                               ZONE))
        hourly = buckets if bucket_s == 3600 else store.buckets(camera_id, since, until, 3600)
        busiest_hours(hourly, ZONE)  # as the dashboard does: the hourly sums once
        totals_of(table)

    def heat() -> None:
        total = store.heat_sum(camera_id, since, until)
        assert total is not None
        heat_png(period_heat_image(total, None))

    def whole() -> None:
        buckets = store.buckets(camera_id, since, until, bucket_s)
        load_period(store, camera_id, camera="Bench", period="Chosen days", since=since,
                    until=until, zone=ZONE, buckets=buckets)

    return {"counts": _timed(counts), "heat": _timed(heat),
            "dwell": _timed(lambda: store.dwell_stats(camera_id, since, until)),
            "total": _timed(whole)}


def measure(url: str | None, folder: Path, days: int) -> dict[str, object]:
    store = CameraStore(url, folder)
    camera = store.add("Bench", "rtsp://127.0.0.1/cam", {})
    first = datetime.combine(date.today() - timedelta(days=days - 1), datetime.min.time(),
                             ZONE).astimezone(timezone.utc)
    began = time.perf_counter()
    stored = fill(store, camera.id, first, days)
    filled_s = time.perf_counter() - began
    now = datetime.now(timezone.utc)
    rolled_up_s = _timed(lambda: store.roll_up(camera.id, first, now))
    last_day = date.today()
    timings: dict[str, dict[str, float]] = {}
    for label, n in (("1 day", 1), ("7 days", 7), ("30 days", 30), (f"{days} days", days)):
        runs = [dashboard_open(store, camera.id, last_day - timedelta(days=n - 1), last_day)
                for _ in range(3)]
        timings[label] = {part: round(min(r[part] for r in runs), 3) for part in runs[0]}
    store.close()
    return {**stored, "fill_s": round(filled_s, 1), "roll_up_s": round(rolled_up_s, 1),
            "open_s": timings, "load_average": [round(x, 1) for x in os.getloadavg()]}


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
