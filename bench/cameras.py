"""How many cameras one machine keeps in real time, per detector.

    python bench/cameras.py [--detector motion|yolo-openvino] [--max 16] [--out FILE]

N cameras of 480x360 at 10 fps, each served by its own local RTSP server (GStreamer,
tests/rtsp_server.py, about no CPU), each analysed by its own worker on a local Ray with
every CPU of this machine, exactly as the app runs them. N goes up from 1; at each N,
after the cameras have run for a warm-up, every camera's analysed frames/s is sampled
for a while. A camera keeps up when it analyses at least 95% of its stream's frames; the
figure is the largest N at which every camera kept up. Never a test: it measures this
machine. The footage is vtest.mp4 (HEATMAP_TEST_FOOTAGE, or shared/media/vtest.mp4
beside the repository), else a rendered street of the same size.

The YOLO case uses YOLO11n built from its yaml (random weights: the network's cost is
that of real YOLO11n) on the OpenVINO engine.
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
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.rtsp_camera import RtspCamera, gstreamer_missing  # noqa: E402
from workers import CameraConfig, Cameras, WorkerSettings  # noqa: E402

FPS = 10.0
KEEPS_UP = 0.95  # of the stream's frames analysed
LINE = {"middle": [(0, 180), (480, 180)]}


def footage(work: Path) -> Path:
    found = Path(os.environ.get("HEATMAP_TEST_FOOTAGE")
                 or REPO.parent / "shared" / "media" / "vtest.mp4")
    if found.is_file():
        return found
    from heatmap_core import Mover, Scene

    people = tuple(Mover(((40 + i * 37 % 400, -40), (60 + i * 37 % 400, 400)),
                         start_frame=i * 12, frames_per_leg=50) for i in range(12))
    return Scene(480, 360, FPS, 300, movers=people).write(work / "street.mp4")


def yolo_weights(work: Path) -> str:
    import torch
    from ultralytics import YOLO

    torch.manual_seed(0)
    model = YOLO("yolo11n.yaml")
    path = work / "yolo11n-random.pt"
    torch.save({"model": model.model, "train_args": {}, "date": None, "version": "bench"},
               path)
    return str(path)


def measure(cameras: Cameras, count: int, video: Path, model: str, options: dict,
            warmup_s: float, sample_s: float) -> list[float]:
    """Analysed frames/s of each of `count` cameras, over `sample_s` after `warmup_s`."""
    with ExitStack() as servers:
        ids = []
        for index in range(count):
            camera = RtspCamera(video).start()
            servers.callback(camera.kill)
            ids.append(cameras.add_camera(CameraConfig(
                name=f"camera {index}", url=camera.url(), model=model, regions=LINE,
                options=options)))
        for camera_id in ids:
            cameras.start(camera_id)
        # Every camera running first (a new worker process per camera starts on the same
        # 2 CPUs), then the warm-up: the figure is about keeping up, not starting up.
        deadline = time.monotonic() + 180
        while (time.monotonic() < deadline
               and any(cameras.state(i).status != "running" for i in ids)):
            time.sleep(1)
        time.sleep(warmup_s)
        start = {i: cameras.state(i).frames for i in ids}
        began = time.monotonic()
        time.sleep(sample_s)
        elapsed = time.monotonic() - began
        rates = [(cameras.state(i).frames - start[i]) / elapsed for i in ids]
        for camera_id, rate in zip(ids, rates, strict=True):
            if rate < KEEPS_UP * FPS:  # say why: too slow, or not running at all
                print(f"    {camera_id}: {cameras.state(camera_id).status}", flush=True)
        for camera_id in ids:
            cameras.remove(camera_id)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", choices=("motion", "yolo-openvino"), default="motion")
    parser.add_argument("--max", type=int, default=16, help="most cameras to try")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds before sampling")
    parser.add_argument("--sample", type=float, default=20.0, help="seconds sampled")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results-cameras.json")
    args = parser.parse_args()
    if (missing := gstreamer_missing()) is not None:
        raise SystemExit(f"cannot serve RTSP here: {missing}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        video = footage(work)
        model, options = ("motion", {}) if args.detector == "motion" else (
            yolo_weights(work), {"engine": "openvino"})
        cpus = os.cpu_count() or 1
        cameras = Cameras(WorkerSettings(
            data_dir=str(work / "data"), local_num_cpus=cpus, camera_cpus=cpus / args.max,
            namespace="bench-cameras", interval_s=10.0, heat_every_s=60.0,
            cache_dir=str(work / "cache")))  # every CPU shared by up to --max cameras
        steps = []
        kept_up = 0
        load_before = [round(x, 2) for x in os.getloadavg()]  # others' work slows cameras
        for count in range(1, args.max + 1):
            rates = measure(cameras, count, video, model, options, args.warmup, args.sample)
            ok = min(rates) >= KEEPS_UP * FPS
            steps.append({"cameras": count, "fps_each": [round(r, 2) for r in rates],
                          "slowest_fps": round(min(rates), 2),
                          "median_fps": round(statistics.median(rates), 2), "kept_up": ok})
            print(f"{count:2d} cameras: slowest {min(rates):5.2f} fps, median "
                  f"{statistics.median(rates):5.2f} fps: {'keeps up' if ok else 'falls behind'}",
                  flush=True)
            if not ok:
                break
            kept_up = count
    result = {"detector": args.detector, "stream": "480x360 at 10 fps over RTSP",
              "cameras_in_real_time": kept_up, "steps": steps,
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "load_average_before": load_before,
              "machine": {"cpus": os.cpu_count(), "processor": platform.processor(),
                          "python": platform.python_version()}}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.detector}: {kept_up} cameras in real time on {os.cpu_count()} CPUs "
          f"(written to {args.out})")


if __name__ == "__main__":
    main()
