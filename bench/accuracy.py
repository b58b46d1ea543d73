"""Counting accuracy on real footage with public ground truth: vtest.mp4 (PETS 2009).

    python bench/accuracy.py [--cases motion,nanodet,...] [--out bench/accuracy-results.json]

For several lines across the paths people take, the true IN/OUT events are the crossings
of each annotated person's box centre between the line's ends (heatmap_core.evaluation);
each case runs the product (`Heatmap` with that detector, default counting settings) over
the whole clip and its events are matched to the true ones: same line, same direction,
at most 1 s apart. Also: distinct track ids against the 19 true people, and ID switches
(CLEAR MOT, IoU >= 0.5). Prints a table and writes a JSON file. Never a test: figures.

Cases:
  truth            the ground-truth tracks themselves, counted (the rules: must be exact)
  truth+bytetrack  the ground-truth boxes, without ids, through ByteTrack (the ceiling)
  motion           the built-in motion detector as the product runs it (model="motion")
  motion+<t>       the motion detector's boxes through Ultralytics tracker <t> instead
                   of its own (bytetrack, botsort, ocsort)
  nanodet          a real pretrained COCO detector (NanoDet, ONNX) + ByteTrack, the
                   YOLO path's tracker; its per-class split is printed too
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from heatmap_core import Heatmap, MotionDetector, Region, ScriptedDetector, Tracks  # noqa: E402
from heatmap_core.evaluation import (  # noqa: E402
    EventScore,
    count_id_switches,
    match_events,
    read_mot,
    tracks_on_truth,
    true_line_events,
)
from heatmap_core.tracking import UltralyticsTracker  # noqa: E402

SHARED = REPO.parent / "shared"
VIDEO = Path(os.environ.get("HEATMAP_SAMPLE_VIDEO", SHARED / "media/vtest.mp4"))
TRUTH = Path(os.environ.get("HEATMAP_SAMPLE_TRUTH", SHARED / "media/vtest-gt.txt"))
NANODET = Path(os.environ.get("HEATMAP_NANODET", SHARED / "models/nanodet-coco-416.onnx"))
FPS = 10.0
WINDOW_S = 1.0
# True crossings ignore excursions that stay within the counters' hysteresis band
# (0.15 box sizes, the product's default): to the product those are jitter.
MARGIN = 0.15
# Lines across the paths people take in vtest.mp4 (480x360): the road from left to right
# at three places (clear of the lamp post at x=268, which hides people: no one counts
# at a pole), and the corner where people turn down the road on the right.
LINES = {
    "left": Region(((120, 90), (120, 220)), "left"),
    "centre": Region(((230, 80), (230, 250)), "centre"),
    "right": Region(((400, 70), (400, 270)), "right"),
    "corner": Region(((330, 150), (480, 150)), "corner"),
}
CASES = ("truth", "truth+bytetrack", "motion", "motion+bytetrack", "motion+botsort",
         "motion+ocsort", "nanodet")
ACKNOWLEDGEMENT = ("vtest.mp4 is PETS 2009 S2.L1 View_001 (OpenCV's sample vtest.avi); "
                   "ground truth by A. Milan (MOTChallenge PETS09-S2L1), via OpenTraj. "
                   "PETS 2009 data: J. Ferryman and A. Shahrokni, University of Reading.")


class BoxesThroughTracker:
    """A Detector: boxes from `detect(frame, index)` through an Ultralytics tracker."""

    def __init__(self, detect: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]],
                 tracker: str, names: Mapping[int, str] | None = None) -> None:
        self._detect = detect
        self._tracker = UltralyticsTracker(tracker)
        self.names = dict(names or {0: "person"})
        self.reset()

    def reset(self) -> None:
        self._tracker.reset()
        self._index = 0

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        self._index += 1
        boxes, scores = self._detect(frame, self._index)
        return self._tracker.update(boxes, scores, 0, frame)


def read_frames(path: Path):
    capture = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def run_case(detector: Any, truth: Mapping[int, Tracks]) -> dict[str, Any]:
    heatmap = Heatmap(model=detector, regions=dict(LINES.items()), fps=FPS, verbose=False,
                      show_boxes=False)
    found: list[tuple[int, Tracks]] = []
    seen: set[int] = set()
    frames = 0
    start = time.perf_counter()
    for index, frame in enumerate(read_frames(VIDEO), start=1):
        results = heatmap(frame, (index - 1) / FPS, frame_index=index)
        found.append((index, results.tracks))
        seen.update(results.tracks.track_id.tolist())
        frames += 1
    elapsed = time.perf_counter() - start
    window = round(WINDOW_S * FPS)
    counted = list(heatmap.events)
    per_line: dict[str, EventScore] = {}
    for name, region in LINES.items():
        true = true_line_events(truth, region, MARGIN)
        per_line[name] = match_events(true, [e for e in counted if e.region == name], window)
    total = sum(per_line.values(), EventScore(0, 0, 0))
    classes: dict[str, dict[str, int]] = {}
    for event in counted:
        split = classes.setdefault(event.class_name, {"IN": 0, "OUT": 0})
        split[event.direction] += 1
    return {
        "frames": frames,
        "ms_per_frame": round(1000 * elapsed / max(frames, 1), 1),
        "true_events": total.true, "counted_events": total.counted,
        "matched_events": total.matched,
        "recall": round(total.recall, 3), "precision": round(total.precision, 3),
        "lines": {name: {"true": s.true, "counted": s.counted, "matched": s.matched,
                         "recall": round(s.recall, 3), "precision": round(s.precision, 3)}
                  for name, s in per_line.items()},
        "distinct_tracks": len(seen),
        "tracks_on_people": len(tracks_on_truth(truth, found)),
        "id_switches": count_id_switches(truth, found),
        "events_by_class": classes,
    }


def make_detector(case: str, truth: Mapping[int, Tracks]) -> Any:
    if case == "truth":
        return ScriptedDetector(lambda i: truth.get(i + 1, Tracks.empty()), {0: "person"})
    if case == "truth+bytetrack":
        def truth_boxes(frame: np.ndarray, index: int) -> tuple[np.ndarray, np.ndarray]:
            tracks = truth.get(index, Tracks.empty())
            return tracks.xyxy, np.ones(len(tracks), np.float32)
        return BoxesThroughTracker(truth_boxes, "bytetrack.yaml")
    if case == "motion":
        return MotionDetector()
    if case.startswith("motion+"):
        motion = MotionDetector()

        def motion_boxes(frame: np.ndarray, index: int) -> tuple[np.ndarray, np.ndarray]:
            boxes, _ = motion.detect(frame, (index - 1) / FPS)
            return boxes, np.ones(len(boxes), np.float32)  # fill ratios are no confidence
        return BoxesThroughTracker(motion_boxes, case.split("+")[1] + ".yaml", motion.names)
    if case == "nanodet":
        from heatmap_core.detectors.nanodet import NanoDetDetector

        return NanoDetDetector(NANODET)
    raise SystemExit(f"unknown case {case!r}: choose from {', '.join(CASES)}")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--out", default=str(REPO / "bench/accuracy-results.json"))
    args = parser.parse_args()
    for path, fix in ((VIDEO, "HEATMAP_SAMPLE_VIDEO"), (TRUTH, "HEATMAP_SAMPLE_TRUTH")):
        if not path.is_file():
            raise SystemExit(f"{path} is missing: set {fix} to its path")
    truth = read_mot(TRUTH)
    people = len({i for t in truth.values() for i in t.track_id.tolist()})
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if "nanodet" in cases and not NANODET.is_file():
        print(f"skipping nanodet: {NANODET} is missing (set HEATMAP_NANODET)")
        cases.remove("nanodet")
    results: dict[str, Any] = {}
    header = (f"{'case':18} {'true':>5} {'counted':>7} {'recall':>6} {'precision':>9} "
              f"{'tracks':>6} {'on people':>9} {'IDsw':>5} {'ms/frame':>8}")
    print(f"vtest.mp4, {len(LINES)} lines, events within {WINDOW_S:g} s; "
          f"{people} true people\n{header}")
    for case in cases:
        result = run_case(make_detector(case, truth), truth)
        results[case] = result
        print(f"{case:18} {result['true_events']:>5} {result['counted_events']:>7} "
              f"{result['recall']:>6.3f} {result['precision']:>9.3f} "
              f"{result['distinct_tracks']:>6} {result['tracks_on_people']:>9} "
              f"{result['id_switches']:>5} "
              f"{result['ms_per_frame']:>8.1f}", flush=True)
    for case, result in results.items():
        lines = ", ".join(f"{n} {s['matched']}/{s['true']} of {s['counted']}"
                          for n, s in result["lines"].items())
        print(f"  {case}: matched/true of counted per line: {lines}; "
              f"by class: {result['events_by_class']}")
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "python": platform.python_version(),
        "video": str(VIDEO.name), "true_people": people, "fps": FPS, "window_s": WINDOW_S,
        "margin": MARGIN, "strict_crossings": {n: len(true_line_events(truth, r))
                                               for n, r in LINES.items()},
        "lines": {n: r.to_dict()["points"] for n, r in LINES.items()},
        "acknowledgement": ACKNOWLEDGEMENT, "cases": results,
    }
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
