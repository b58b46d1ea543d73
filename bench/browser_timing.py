"""How long a user waits for the app in a real browser: the first visit after the
server starts, a second visit, and a shared run link opened in a new browser.

    python bench/browser_timing.py [--video vtest.mp4] [--repeat 3] [--out bench/x.json]

Starts `streamlit run app.py` (a fresh server, with its own data folder, for every
repeat) and drives Debian's Chromium (/usr/bin/chromium) with Playwright. For each
page it prints the seconds from navigation to what the user sees:

  first visit   the title, the uploader, the model banner ("Model: ...")
  second visit  the same, on the now warm server, in a new browser context
  run link      /?run=<id> in a new browser context, on a fresh server (nobody has
                opened the app yet) and on a warm one: the run's title, the four
                cards, the heatmap image loaded, the first chart drawn

The run is an analysis of the video (vtest.mp4 if given, else a rendered street) with
the motion detector, saved in the data folder before the server starts. Never a test:
timings depend on the machine and on what else runs on it.
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
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heatmap_core import Heatmap, Mover, Scene, analyse_video  # noqa: E402
from run_store import RunStore  # noqa: E402
from tests.browser.conftest import serve_app as server  # noqa: E402  (the tests' own)

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
LINE = [(0, 200), (480, 200)]
HEATMAP_LOADED = """() => { const img = document.querySelector("[data-testid=stMain] img");
    return !!img && img.complete && img.naturalWidth > 0; }"""


def saved_run(video: Path | None, data_dir: Path) -> str:
    """Analyse `video` (else a rendered street) with the motion detector and save it as
    a run in `data_dir`; the run's id."""
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    if video is None:
        movers = tuple(Mover(((30 + 50 * i, -30), (30 + 50 * i, 400)), start_frame=6 * i,
                             frames_per_leg=50) for i in range(8))
        video = Scene(width=480, height=360, movers=movers, frames=200).write(
            work / "street.mp4")
    heatmap = Heatmap(model="motion", region=LINE, verbose=False)
    analyse_video(video, heatmap, work / "out")
    store = RunStore(None, data_dir)
    record = store.save_run(work / "out", settings={
        "model": "motion", "regions": [{"name": "region", "points": LINE}]})
    store.close()
    return record.id


def timed(page, url: str, milestones: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Seconds from navigation to each milestone, in order (each waits for the last)."""
    start = time.monotonic()
    page.goto(url, wait_until="commit")
    seconds = {}
    for name, reached in milestones.items():
        reached()
        seconds[name] = round(time.monotonic() - start, 2)
    return seconds


def upload_page(page) -> dict[str, Callable[[], object]]:
    return {
        "title": lambda: page.get_by_role("heading", name="Video heatmap").wait_for(),
        "uploader": lambda: page.get_by_text("Upload a video (").first.wait_for(),
        "model banner": lambda: page.get_by_text("Model:").first.wait_for(),
    }


def run_page(page) -> dict[str, Callable[[], object]]:
    return {
        "title": lambda: page.get_by_test_id("stMain").get_by_role("heading").first.wait_for(),
        "cards": lambda: page.get_by_test_id("stMetric").nth(3).wait_for(),
        "heatmap": lambda: page.wait_for_function(HEATMAP_LOADED),
        "chart": lambda: page.locator(".js-plotly-plot").first.wait_for(),
    }


def visit(browser, url: str, milestones) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        return timed(page, url, milestones(page))
    finally:
        context.close()


def one_round(browser, video: Path | None) -> dict[str, dict[str, float]]:
    """Fresh servers: the first visit and the run link, each on a server nobody has
    visited yet; then the warm ones."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder:
        data = Path(folder)
        run_id = saved_run(video, data)
        with server(data) as url:
            figures["first visit"] = visit(browser, url, upload_page)
            figures["second visit"] = visit(browser, url, upload_page)
            figures["run link, warm server"] = visit(browser, f"{url}/?run={run_id}",
                                                     run_page)
        with server(data) as url:
            figures["run link, fresh server"] = visit(browser, f"{url}/?run={run_id}",
                                                      run_page)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--video", type=Path, default=None,
                        help="footage to save as the run (default: a rendered street)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rounds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for index in range(args.repeat):
            rounds.append(one_round(browser, args.video))
            print(f"round {index + 1}: {json.dumps(rounds[-1])}", flush=True)
        browser.close()
    medians = {case: {name: statistics.median(r[case][name] for r in rounds)
                      for name in rounds[0][case]} for case in rounds[0]}
    print(f"\nmedian seconds from navigation (n = {len(rounds)}):")
    for case, seconds in medians.items():
        print(f"  {case:24s} " + "  ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    if args.out:
        args.out.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}",
            "load_average_at_end": os.getloadavg(), "rounds": rounds,
            "median_s": medians}, indent=2) + "\n")


if __name__ == "__main__":
    main()
