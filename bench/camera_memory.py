"""Memory of one camera's worker over a long run, per detector: its peak, and whether it
stays flat.

    python bench/camera_memory.py [--detector motion yolo-openvino] [--minutes 10]
                                  [--every 5] [--out FILE]

One camera of 480x360 at 10 fps, served in a loop by a local RTSP server (GStreamer,
tests/rtsp_server.py), analysed by its worker (a Ray actor) on a local Ray, exactly as
the app runs it. Every `--every` seconds the resident memory (RSS) of the actor's
process is read with psutil. Reported per detector: the RSS after the warm-up (the
first fifth of the run: the model, the tracker and the first heat snapshot settle),
the peak, and the slope of a least-squares line through the samples after the
warm-up, in MB per hour: flat memory is a slope near 0 (a leak of 1 MB/min is
60 MB/h). Never a test: it measures this machine. The footage is vtest.mp4
(HEATMAP_TEST_FOOTAGE, or shared/media/vtest.mp4 beside the repository), else a
rendered street of the same size.

The YOLO case is YOLO11n built from its yaml (random weights: the network's memory and
cost are those of real YOLO11n), on the OpenVINO engine as in bench/cameras.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cameras import LINE, footage, yolo_weights  # noqa: E402
from tests.rtsp_camera import RtspCamera, gstreamer_missing  # noqa: E402
from workers import CameraConfig, Cameras, WorkerSettings  # noqa: E402

MB = 1024 * 1024


def slope_per_hour(times_s: list[float], values: list[float]) -> float:
    """The least-squares slope of `values` over `times_s`, per hour."""
    n = len(times_s)
    if n < 2:
        return 0.0
    mean_t, mean_v = sum(times_s) / n, sum(values) / n
    spread = sum((t - mean_t) ** 2 for t in times_s)
    if spread == 0:
        return 0.0
    return 3600 * sum((t - mean_t) * (v - mean_v)
                      for t, v in zip(times_s, values, strict=True)) / spread


def watch(cameras: Cameras, video: Path, model: str, options: dict, minutes: float,
          every_s: float) -> dict:
    """Run one camera for `minutes`, sampling its worker's RSS; the figures."""
    import psutil
    import ray

    camera = RtspCamera(video).start()
    try:
        camera_id = cameras.add_camera(CameraConfig(
            name="memory", url=camera.url(), model=model, regions=LINE, options=options))
        cameras.start(camera_id)
        pid = ray.get(cameras.worker(camera_id).pid.remote(), timeout=120)
        process = psutil.Process(pid)
        began = time.monotonic()
        samples: list[tuple[float, float, int]] = []  # seconds, RSS MB, frames
        while (elapsed := time.monotonic() - began) < minutes * 60:
            state = cameras.state(camera_id)
            samples.append((round(elapsed, 1), round(process.memory_info().rss / MB, 1),
                            state.frames))
            print(f"  {elapsed:6.0f} s  {samples[-1][1]:7.1f} MB  {state.status:12s} "
                  f"{state.frames} frames", flush=True)
            time.sleep(every_s)
        final = cameras.state(camera_id)
        cameras.remove(camera_id)
    finally:
        camera.kill()
    warm = [s for s in samples if s[0] >= minutes * 60 / 5]
    rss = [s[1] for s in warm]
    return {
        "minutes": minutes, "samples_every_s": every_s, "frames_analysed": final.frames,
        "rss_after_warmup_mb": rss[0], "rss_peak_mb": max(s[1] for s in samples),
        "rss_end_mb": rss[-1],
        "slope_mb_per_hour": round(slope_per_hour([s[0] for s in warm], rss), 1),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", nargs="+", choices=("motion", "yolo-openvino"),
                        default=["motion", "yolo-openvino"])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long each runs")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results-camera-memory.json")
    args = parser.parse_args()
    if (missing := gstreamer_missing()) is not None:
        raise SystemExit(f"cannot serve RTSP here: {missing}")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        video = footage(work)
        cameras = Cameras(WorkerSettings(
            data_dir=str(work / "data"), camera_cpus=1.0, namespace="bench-memory",
            interval_s=10.0, heat_every_s=60.0, cache_dir=str(work / "cache")))
        for detector in args.detector:
            model, options = ("motion", {}) if detector == "motion" else (
                yolo_weights(work), {"engine": "openvino"})
            print(f"{detector}: one camera for {args.minutes:g} min", flush=True)
            results[detector] = figures = watch(cameras, video, model, options,
                                                args.minutes, args.every)
            print(f"{detector}: peak {figures['rss_peak_mb']} MB, after warm-up "
                  f"{figures['rss_after_warmup_mb']} MB, end {figures['rss_end_mb']} MB, "
                  f"slope {figures['slope_mb_per_hour']} MB/h", flush=True)
    report = {"stream": "480x360 at 10 fps over RTSP", "what": "RSS of the camera "
              "worker's process (a Ray actor), one camera", "detectors": results,
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "processor": platform.processor(),
                          "python": platform.python_version()}}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
