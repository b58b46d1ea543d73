"""How long a camera's dashboard with 90 days of history takes to open in a real
browser, and to show the longest periods a user can pick (issue #12: under 2 s).

    python bench/camera_browser_timing.py [--days 90] [--repeat 3] [--no-postgres] \
        [--out bench/browser-timing-camera.json]

Seeds a data folder (SQLite, and PostgreSQL when its server binaries are installed:
`tests/postgres_cluster.py`) with one stopped camera and `--days` days of one-minute
intervals ending now, as `bench/analytics.py`'s `fill` writes them (two regions,
heat every 15 minutes, two zone visits a minute), with the day roll-ups made as the
workers make them. Then, for each repeat, it starts `streamlit run app.py` on it (a
fresh server) and opens `/?camera=<id>` in a new browser context (Debian's Chromium
through Playwright), then again in another new context on the now warm server. Each
visit times, in seconds:

  open           from navigation: the title, the live "Today" cards, the period's
                 cards, the first "Over time" chart drawn (plotly svg), the period's
                 heatmap image loaded (in its tab, not shown yet)
  Last 30 days   from the click on the period until each is redrawn with the new
                 period's data: the period's cards, the first chart, the busiest-hours
                 grid and the heatmap image (both in tabs not shown, but in the page),
                 and the last of the five charts
  Chosen days    the same, from the moment the typed range (all `--days` days and
                 today) is committed (Escape closes the calendar: Streamlit reruns);
                 until then the page shows a prompt instead of the period, so here the
                 charts are drawn anew rather than redrawn
  tabs           then the clicks on the "Busiest hours" and "Heatmap" tabs until the
                 grid and the image show
  open again     the link opened again in the same browser context (its HTTP cache
                 holds the app's script bundles), as `open`

A redraw is seen in the page itself (each chart's plotly data, the image's address,
the cards' text differ from before the click), polled every 50 ms. The camera is
never started (no Ray): its dashboard says "Stopped" and shows its history. Never a
test: timings depend on the machine and on what else runs on it; the load average
is written with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.analytics import fill  # noqa: E402
from bench.browser_timing import CHROMIUM, LAUNCH_ARGS, timed  # noqa: E402
from run_store import CameraStore  # noqa: E402
from tests.browser.conftest import serve_app as server  # noqa: E402  (the tests' own)

NAME = "Bench"
TIMEOUT_MS = 180_000
PICK_DAYS = "Pick the first and the last day."
CHARTS = 5  # per interval, cumulative, occupancy, busiest hours, dwell
HEAT_IMAGE = ("[...document.querySelectorAll('[data-testid=stMain] [data-testid=stImage]')]"
              ".filter(e => e.innerText.includes('Heatmap of the period'))"
              ".map(e => e.querySelector('img'))[0]")
HEAT_LOADED = f"""() => {{ const img = {HEAT_IMAGE};
    return !!img && img.complete && img.naturalWidth > 0; }}"""
# What the page shows of a period, to tell a redraw from the page before it.
PAGE_STATE = f"""() => {{
    const plots = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')];
    const img = {HEAT_IMAGE};
    const metrics = [...document.querySelectorAll('[data-testid=stMetric]')];
    return {{
        plots: plots.map(g => JSON.stringify(g.data || null)),
        drawn: plots.map(g => !!g.querySelector('.main-svg')),
        busiest: plots.findIndex(g => (g.data || []).some(t => t.type === 'heatmap')),
        heat: img && img.complete && img.naturalWidth > 0 ? img.src : null,
        cards: metrics.slice(4, 8).map(m => m.innerText).join('|'),
    }};
}}"""
BEFORE = f"""() => {{ window.__before = ({PAGE_STATE})(); window.__marks = {{}};
    return performance.now(); }}"""
# One poll: marks the first moment each part is redrawn; true once all are.
REDRAWN = f"""() => {{
    const was = window.__before, now = ({PAGE_STATE})(), marks = window.__marks;
    const at = performance.now();
    const mark = (name, done) => {{ if (done && !(name in marks)) marks[name] = at; }};
    // A chart that was not there before (Chosen days hides them until the days are
    // picked) counts as redrawn once drawn.
    const changed = i => i >= 0 && now.drawn[i] === true && now.plots[i] !== was.plots[i];
    mark('cards', now.cards && now.cards !== was.cards);
    mark('first chart', changed(0));
    mark('busiest hours', changed(now.busiest));
    mark('heatmap', now.heat && now.heat !== was.heat);
    mark('all charts', now.plots.length === {CHARTS} && now.plots.every((_, i) => changed(i)));
    return Object.keys(marks).length === 5;
}}"""
BUSIEST_SHOWN = """() => [...document.querySelectorAll('.js-plotly-plot')].some(g =>
    (g.data || []).some(t => t.type === 'heatmap') && g.getBoundingClientRect().width > 0
    && !!g.querySelector('.hm image, .heatmaplayer image'))"""
HEAT_SHOWN = f"""() => {{ const img = {HEAT_IMAGE};
    return !!img && img.offsetParent !== null && img.getBoundingClientRect().width > 0; }}"""


def seeded(url: str | None, folder: Path, days: int) -> tuple[str, dict[str, object]]:
    """One stopped camera with `days` days of history ending now (the current minute)
    in the store at `url` (None: SQLite in `folder`): its id, and what was stored."""
    folder.mkdir(parents=True, exist_ok=True)
    store = CameraStore(url, folder)
    camera = store.add(NAME, "rtsp://127.0.0.1/cam", {})
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    first = now - timedelta(days=days)
    began = time.perf_counter()
    stored: dict[str, object] = dict(fill(store, camera.id, first, days))
    stored["fill_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    store.roll_up(camera.id, first, now)  # as the workers do, hour by hour
    stored["roll_up_s"] = round(time.perf_counter() - began, 1)
    store.close()
    return camera.id, stored


def open_page(page) -> dict[str, object]:
    metric = page.get_by_test_id("stMetric")
    return {
        "title": lambda: page.get_by_role("heading", name=NAME).wait_for(),
        "live cards": lambda: metric.nth(3).wait_for(),
        "period cards": lambda: metric.nth(7).wait_for(),
        "first chart": lambda: page.locator(".js-plotly-plot .main-svg").first.wait_for(),
        "heatmap": lambda: page.wait_for_function(HEAT_LOADED),
    }


def redrawn_after(page, act) -> dict[str, float]:
    """Seconds from `act` (a click, a key) until each part of the period is redrawn,
    measured on the page's clock."""
    started = page.evaluate(BEFORE)
    act()
    try:
        page.wait_for_function(REDRAWN, polling=50, timeout=TIMEOUT_MS)
    except Exception as error:
        marks = page.evaluate("() => window.__marks")
        raise RuntimeError(f"the period was not redrawn within {TIMEOUT_MS // 1000} s; "
                           f"redrawn so far: {sorted(marks)}") from error
    marks = page.evaluate("() => window.__marks")
    return {name: round((marks[name] - started) / 1000, 2) for name in
            ("cards", "first chart", "busiest hours", "heatmap", "all charts")}


def type_days(page, first: date, last: date) -> None:
    """Pick Chosen days and type `first`..`last` into the Days field's segments."""
    page.get_by_role("radio", name="Chosen days").click()
    page.get_by_text(PICK_DAYS).wait_for()
    segments = page.get_by_test_id("stDateInput").locator("[role=spinbutton]")
    segments.first.wait_for()
    page.wait_for_function(  # enabled by the rerun that shows the prompt
        "() => !document.querySelector('[data-testid=stDateInputField][data-disabled=true]')")
    segments.nth(0).click()
    page.keyboard.type(first.strftime("%Y%m%d"))
    segments.nth(3).click()
    page.keyboard.type(last.strftime("%Y%m%d"))


def shown_after(page, tab: str, shown: str) -> float:
    began = time.monotonic()
    page.get_by_role("tab", name=tab).click()
    page.wait_for_function(shown, polling=50, timeout=TIMEOUT_MS)
    return round(time.monotonic() - began, 2)


def visit(browser, url: str, days: int, shots: Path | None) -> dict[str, dict[str, float]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        figures: dict[str, dict[str, float]] = {"open": timed(page, url, open_page(page))}
        figures["Last 30 days"] = redrawn_after(
            page, lambda: page.get_by_role("radio", name="Last 30 days").click())
        today = datetime.now(timezone.utc).date()  # the context's zone: the machine's, UTC
        type_days(page, today - timedelta(days=days), today)
        figures[f"Chosen days ({days + 1} days)"] = redrawn_after(
            page, lambda: page.keyboard.press("Escape"))
        if page.get_by_text(PICK_DAYS).count():
            raise RuntimeError("the typed days were not taken (the prompt still shows)")
        figures["tabs"] = {"busiest hours": shown_after(page, "Busiest hours", BUSIEST_SHOWN),
                           "heatmap": shown_after(page, "Heatmap", HEAT_SHOWN)}
        if shots is not None:  # the period's cards, tabs and heatmap
            page.get_by_text("Heatmap of the period").scroll_into_view_if_needed()
            page.screenshot(path=shots)
        # The same browser opens the link again: its cache holds Streamlit's bundles.
        figures["open again"] = timed(page, url, open_page(page))
        return figures
    finally:
        context.close()


def one_round(browser, data: Path, camera_id: str, env: dict[str, str], days: int,
              shots: Path | None) -> dict[str, dict[str, dict[str, float]]]:
    """A fresh server: the first visit to the camera's link, then a second one in a new
    browser context on the now warm server."""
    load = [round(x, 2) for x in os.getloadavg()]
    with server(data, **env) as url:
        link = f"{url}/?camera={camera_id}"
        fresh = visit(browser, link, days, None)
        warm = visit(browser, link, days, shots)
    return {"fresh server": fresh, "warm server": warm, "load_average_before": load}


@contextmanager
def databases(postgres: bool) -> Iterator[dict[str, str | None]]:
    """SQLite, and a throwaway PostgreSQL when asked and installed: name -> URL."""
    if not postgres:
        yield {"sqlite": None}
        return
    try:
        from tests.postgres_cluster import start_postgres_server

        servers = start_postgres_server()
        pg = next(servers)
    except BaseException as error:  # pytest.skip outside pytest: say why, go on
        print(f"postgresql: not measured ({error})", flush=True)
        yield {"sqlite": None}
        return
    with pg.admin.connect() as connection:
        connection.exec_driver_sql("CREATE DATABASE bench")
    try:
        yield {"sqlite": None, "postgresql": pg.url("bench")}
    finally:
        servers.close()


def medians(rounds: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    first = rounds[0]
    return {server: {step: {part: statistics.median(r[server][step][part] for r in rounds)
                            for part in first[server][step]} for step in first[server]}
            for server in ("fresh server", "warm server")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", dest="postgres", action="store_false",
                        help="SQLite only")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="a folder for a screenshot of each database's last visit")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "node": platform.node(),
                    "platform": platform.platform(), "python": platform.python_version()},
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "days": args.days}
    with tempfile.TemporaryDirectory(prefix="bench-camera-") as folder, \
            databases(args.postgres) as urls, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for database, url in urls.items():
            data = Path(folder) / database
            camera_id, stored = seeded(url, data, args.days)
            print(f"{database}: seeded {stored}", flush=True)
            env = {"DATABASE_URL": url} if url else {}
            shots = None
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                shots = args.screenshots / f"camera-dashboard-{database}.png"
            rounds = []
            for index in range(args.repeat):
                rounds.append(one_round(browser, data, camera_id, env, args.days, shots))
                print(f"{database} round {index + 1}: {json.dumps(rounds[-1])}", flush=True)
            results[database] = {"stored": stored, "rounds": rounds,
                                 "median_s": medians(rounds)}
            print(f"\n{database}: median seconds (n = {len(rounds)})")
            for server_kind, steps in results[database]["median_s"].items():
                for step, seconds in steps.items():
                    print(f"  {server_kind:12s} {step:18s} "
                          + "  ".join(f"{k} {v:.2f}" for k, v in seconds.items()))
        browser.close()
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average before {results['load_average_before']}, "
          f"at the end {results['load_average_at_end']}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
