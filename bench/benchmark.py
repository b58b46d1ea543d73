"""Speed of heatmap_core against the Ultralytics Heatmap solution, side by side.

    python bench/benchmark.py [--frames 60] [--device cpu|0] [--out bench/results.json]

Our Heatmap runs with show_boxes=False, as the Ultralytics Heatmap draws no boxes:
the same work on both sides. Every case runs in its own process (so its peak memory is
its own) on the same frames of the same video, with the same weights and region, and
prints frames per second; the summary prints ratios and writes everything to a JSON
file. Never a test: timings depend on the machine.

Cases:
  paired       floor, ours and Ultralytics timed in turns in one process: the ratios
  e2e-*        detect + track + heat + count + draw, ours vs Ultralytics, each alone
               in its process (for its peak memory), on vtest.mp4 and scaled to 1080p
  floor        a bare `model.track(frame, persist=True)` loop: the least any tool can do
  fast-*       ours with speed options: every 2nd frame, on OpenVINO / ONNX Runtime /
               PyTorch (with --half: half precision, for GPUs)
  file-*       a video FILE end to end, ours (analyse_video: decoding, detection ahead
               in worker threads, tracking, heat, counting, drawing and H.264 encoding
               overlapped) against Ultralytics' documented loop (cv2.VideoCapture ->
               solutions.Heatmap -> cv2.VideoWriter), timed in turns in one process;
               file-openvino: ours on the OpenVINO engine, every frame analysed
  batch        YOLO11n inference alone, per frame, at batch sizes 1, 2 and 4: whether
               batching several cameras' frames into one call pays on this machine
  video-yolo   ours end to end on the video file with YOLO: decode and H.264 encode run
               beside inference (analyse_video)
  post-*       heat + counting + drawing alone, from scripted tracks (no model)
  motion       the built-in detector, end to end with H.264 encoding (analyse_video)

The YOLO11n weights are built from Ultralytics' yaml with random weights and class
biases that make it detect `--objects` boxes a frame, so tracking, heat and counting
all have work to do (the network's cost is that of real YOLO11n).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
VTEST = Path(os.environ.get("HEATMAP_SAMPLE_VIDEO", REPO.parent / "shared/media/vtest.mp4"))
TRACKER = "bytetrack.yaml"
PASSES = 3  # over the same frames; the fastest counts


# -- inputs -------------------------------------------------------------------------

def make_weights(path: Path, objects: int) -> Path:
    """YOLO11n from the yaml (random weights) that detects boxes everywhere."""
    import torch
    from ultralytics import YOLO
    from ultralytics.utils import YAML
    from ultralytics.utils.checks import check_yaml

    torch.manual_seed(0)
    model = YOLO("yolo11n.yaml")
    model.model.names = YAML.load(check_yaml("coco.yaml"))["names"]
    for branch in model.model.model[-1].cv3:
        with torch.no_grad():
            branch[-1].bias[:] = -10.0
            branch[-1].bias[0] = 4.0
    torch.save({"model": model.model, "train_args": {}, "date": None, "version": "bench"}, path)
    return path


def load_frames(count: int, size: tuple[int, int] | None) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(VTEST))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.resize(frame, size) if size else frame)
    capture.release()
    return frames


def scripted_tracks(n: int, w: int, h: int, frames: int):
    from heatmap_core import Tracks

    rng = np.random.default_rng(0)
    start = rng.uniform([0, 0], [w, h], (n, 2))
    velocity = rng.uniform(-0.004, 0.004, (n, 2)) * [w, h]
    size = rng.uniform(0.03, 0.1, (n, 1)) * np.array([w, h])
    out = []
    for i in range(frames):
        centre = (start + velocity * i) % [w, h]
        out.append(Tracks(np.concatenate([centre - size / 2, centre + size / 2], 1),
                          np.arange(1, n + 1), np.zeros(n), np.full(n, 0.9)))
    return out


# -- cases (each runs in a child process) -----------------------------------------------

def case_e2e(tool: str, frames: list[np.ndarray], args: argparse.Namespace,
             **options: object) -> dict:
    h, w = frames[0].shape[:2]
    region = [(0, h // 2), (w, h // 2)]
    common = dict(model=str(args.weights), region=region, tracker=TRACKER, conf=0.25,
                  max_det=args.objects, device=args.device, verbose=False, show=False)
    stride = int(options.pop("stride", 1))
    if tool == "ours":
        from heatmap_core import Heatmap

        # The seed's Heatmap draws heat, region and counts but no boxes: same work.
        run = Heatmap(**common, show_boxes=False, **options)
    else:
        from ultralytics import solutions

        run = solutions.Heatmap(**common)
    run(frames[0])  # warm up: model load, first inference
    results = None

    def one_pass() -> None:
        nonlocal results
        for index, frame in enumerate(frames[1:]):
            if index % stride == 0:
                results = run(frame)

    elapsed = best_of(PASSES, one_pass)
    return {"fps": (len(frames) - 1) / elapsed, "ms_per_frame": elapsed / (len(frames) - 1) * 1e3,
            "tracks_last_frame": int(results.total_tracks) if results else 0}


def case_paired(frames: list[np.ndarray], args: argparse.Namespace) -> dict:
    """Floor, ours and Ultralytics in one process, one pass each in turn, PASSES times:
    the three see the same machine state, so their ratios are the trustworthy ones
    (separate processes differ by a few percent for no reason of their own)."""
    from ultralytics import YOLO, solutions

    from heatmap_core import Heatmap

    h, w = frames[0].shape[:2]
    common = dict(model=str(args.weights), region=[(0, h // 2), (w, h // 2)],
                  tracker=TRACKER, conf=0.25, max_det=args.objects, device=args.device,
                  verbose=False, show=False)
    model = YOLO(str(args.weights))
    track = dict(persist=True, tracker=TRACKER, conf=0.25, max_det=args.objects,
                 device=args.device, verbose=False)
    tools: dict[str, Callable[[np.ndarray], object]] = {
        "floor": lambda frame: model.track(frame, **track),
        "ours": Heatmap(**common, show_boxes=False),
        "ultralytics": solutions.Heatmap(**common),
    }
    best = dict.fromkeys(tools, float("inf"))
    for tool in tools.values():
        tool(frames[0])
    for _ in range(PASSES):
        for name, tool in tools.items():
            start = time.perf_counter()
            for frame in frames[1:]:
                tool(frame)
            best[name] = min(best[name], time.perf_counter() - start)
    n = len(frames) - 1
    return {name: {"fps": n / t, "ms_per_frame": t / n * 1e3} for name, t in best.items()}


def best_of(passes: int, work: Callable[[], None]) -> float:
    """The fastest of `passes` runs of `work`, in seconds: a shared 2-core machine's
    other load only ever slows a pass down."""
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def case_floor(frames: list[np.ndarray], args: argparse.Namespace) -> dict:
    from ultralytics import YOLO

    model = YOLO(str(args.weights))
    track = dict(persist=True, tracker=TRACKER, conf=0.25, max_det=args.objects,
                 device=args.device, verbose=False)
    model.track(frames[0], **track)

    def one_pass() -> None:
        for frame in frames[1:]:
            model.track(frame, **track)

    elapsed = best_of(PASSES, one_pass)
    return {"fps": (len(frames) - 1) / elapsed, "ms_per_frame": elapsed / (len(frames) - 1) * 1e3}


def case_post(tool: str, width: int, height: int, objects: int, args: argparse.Namespace) -> dict:
    frames = 120
    tracks = scripted_tracks(objects, width, height, frames)
    frame = cv2.resize(load_frames(1, None)[0], (width, height))
    region = [(0, height // 2), (width, height // 2)]
    if tool == "ours":
        from heatmap_core import Heatmap, ScriptedDetector

        run = Heatmap(model=ScriptedDetector(tracks), region=region, verbose=False,
                      show_boxes=False)  # as the seed's Heatmap, which draws no boxes
    else:
        import torch
        from ultralytics import solutions

        run = solutions.Heatmap(model=str(args.weights), region=region, verbose=False, show=False)
        index = iter(range(frames))

        def scripted_extract_tracks(im0: np.ndarray) -> None:  # the model's work, skipped
            with run.profilers[0]:
                t = tracks[next(index)]
            run.boxes = torch.from_numpy(t.xyxy)
            run.clss, run.track_ids = t.class_id.tolist(), t.track_id.tolist()
            run.confs = t.confidence.tolist()

        run.extract_tracks = scripted_extract_tracks
    for _ in range(10):
        run(frame)
    start = time.perf_counter()
    for _ in range(frames - 10):
        run(frame)
    elapsed = time.perf_counter() - start
    return {"ms_per_frame": elapsed / (frames - 10) * 1e3}


def file_of(size: tuple[int, int] | None, frames: int, work: Path) -> Path:
    """vtest.mp4 itself, or its first `frames` frames scaled to `size` (H.264)."""
    if size is None:
        return VTEST
    from heatmap_core.video import H264Writer

    path = work / f"vtest-{size[0]}x{size[1]}.mp4"
    if not path.exists():
        with H264Writer(path, 10.0, *size) as writer:
            for frame in load_frames(frames, size):
                writer.write(frame)
    return path


def case_file(size: tuple[int, int] | None, args: argparse.Namespace,
              engine: str = "pytorch") -> dict:
    """Ours and Ultralytics on the same file, in turns, PASSES times; the best of each."""
    from ultralytics import solutions

    from heatmap_core import Heatmap, analyse_video

    video = file_of(size, args.frames, Path(args.cache_dir).parent)
    capture = cv2.VideoCapture(str(video))
    w, h = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = capture.get(cv2.CAP_PROP_FPS)
    ok, first = capture.read()
    capture.release()
    assert ok, f"cannot read {video}"
    common = dict(model=str(args.weights), region=[(0, h // 2), (w, h // 2)],
                  tracker=TRACKER, conf=0.25, max_det=args.objects, device=args.device,
                  verbose=False, show=False)
    n = args.frames

    def ours() -> tuple[int, float]:
        heatmap = Heatmap(**common, show_boxes=False, engine=engine,
                          cache_dir=args.cache_dir)
        heatmap(first)  # the model loaded and run once, as Ultralytics' below
        heatmap.reset()
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            done = analyse_video(video, heatmap, out, max_frames=n).frames_analysed
            return done, time.perf_counter() - start

    def ultralytics() -> tuple[int, float]:
        heatmap = solutions.Heatmap(**common)
        heatmap(first)
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            capture = cv2.VideoCapture(str(video))
            writer = cv2.VideoWriter(str(Path(out) / "heatmap.avi"),
                                     cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
            done = 0
            while capture.isOpened() and done < n:
                success, im0 = capture.read()
                if not success:
                    break
                writer.write(heatmap(im0).plot_im)
                done += 1
            writer.release()
            capture.release()
            return done, time.perf_counter() - start

    # Each timed from opening the video to the output written, the model loaded (and
    # run once) before, as a long video makes the load negligible.
    tools = {"ours": ours} if engine != "pytorch" else {"ours": ours, "ultralytics": ultralytics}
    best = dict.fromkeys(tools, float("inf"))
    frames = dict.fromkeys(tools, 0)
    for _ in range(PASSES):
        for name, tool in tools.items():
            done, seconds = tool()
            frames[name] = done
            best[name] = min(best[name], seconds)
    return {name: {"fps": frames[name] / t, "ms_per_frame": t / frames[name] * 1e3,
                   "frames": frames[name]} for name, t in best.items()}


def case_batch(frames: list[np.ndarray], args: argparse.Namespace) -> dict:
    """Per-frame inference time at batch sizes 1, 2, 4 (predict, no tracking), in turns."""
    from ultralytics import YOLO

    model = YOLO(str(args.weights))
    options = dict(conf=0.25, max_det=args.objects, device=args.device, verbose=False)
    model.predict(frames[:4], **options)
    sizes = (1, 2, 4)
    best = dict.fromkeys(sizes, float("inf"))
    usable = len(frames) - len(frames) % 4
    for _ in range(PASSES):
        for size in sizes:
            start = time.perf_counter()
            for i in range(0, usable, size):
                model.predict(frames[i:i + size], **options)
            best[size] = min(best[size], (time.perf_counter() - start) / usable)
    return {f"batch-{size}": {"ms_per_frame": t * 1e3} for size, t in best.items()}


def case_video_yolo(args: argparse.Namespace) -> dict:
    from heatmap_core import Heatmap, analyse_video

    heatmap = Heatmap(model=str(args.weights), region=[(0, 200), (480, 200)], tracker=TRACKER,
                      max_det=args.objects, device=args.device, half=args.half, verbose=False)
    with tempfile.TemporaryDirectory() as out:
        summary = analyse_video(VTEST, heatmap, out, max_frames=args.frames)
    return {"fps": summary.processing_fps, "frames": summary.frames}


def case_motion(args: argparse.Namespace) -> dict:
    from heatmap_core import Heatmap, analyse_video

    heatmap = Heatmap(model="motion", region=[(0, 200), (480, 200)], verbose=False)
    with tempfile.TemporaryDirectory() as out:
        summary = analyse_video(VTEST, heatmap, out)
    return {"fps": summary.processing_fps, "frames": summary.frames,
            "in_count": summary.in_count, "out_count": summary.out_count}


def run_case(name: str, args: argparse.Namespace) -> dict:
    size = (1920, 1080) if name.endswith("-1080p") else None
    base = name.removesuffix("-1080p")
    if base.startswith("post-"):
        _, tool, res, objects = base.split("-")
        w, h = (1920, 1080) if res == "1080p" else (480, 360)
        result = case_post(tool, w, h, int(objects), args)
    elif base == "motion":
        result = case_motion(args)
    elif base == "video-yolo":
        result = case_video_yolo(args)
    elif base == "file":
        result = case_file(size, args)
    elif base == "file-openvino":
        result = case_file(size, args, engine="openvino")
    else:
        frames = load_frames(args.frames, size)
        if base == "floor":
            result = case_floor(frames, args)
        elif base == "paired":
            result = case_paired(frames, args)
        elif base == "batch":
            result = case_batch(frames, args)
        elif base == "e2e-ours":
            result = case_e2e("ours", frames, args)
        elif base == "e2e-ultralytics":
            result = case_e2e("ultralytics", frames, args)
        elif base.startswith("fast-"):
            engine, stride = base.split("-")[1], 2
            result = case_e2e("ours", frames, args, engine=engine, stride=stride, half=args.half,
                              cache_dir=args.cache_dir)
        else:
            raise SystemExit(f"unknown case {name}")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# -- driver ------------------------------------------------------------------------------

CASES = ["file", "file-1080p", "file-openvino", "file-openvino-1080p",
         "paired", "floor", "e2e-ours", "e2e-ultralytics", "fast-openvino", "fast-onnx",
         "paired-1080p", "floor-1080p", "e2e-ours-1080p", "e2e-ultralytics-1080p",
         "fast-openvino-1080p", "batch", "batch-1080p",
         "post-ours-360p-5", "post-ultralytics-360p-5", "post-ours-360p-50",
         "post-ultralytics-360p-50", "post-ours-1080p-5", "post-ultralytics-1080p-5",
         "post-ours-1080p-50", "post-ultralytics-1080p-50", "motion"]


def summarise(results: dict[str, dict]) -> list[str]:
    lines = []
    for suffix, label in (("", "480x360"), ("-1080p", "1080p")):
        if f"e2e-ours{suffix}" not in results and f"paired{suffix}" not in results:
            continue
        paired = results.get(f"paired{suffix}")
        if paired:  # timed side by side in one process: the ratios to trust
            ours, ul, floor = paired["ours"], paired["ultralytics"], paired["floor"]
        else:
            ours, ul, floor = (results[f"{k}{suffix}"]
                               for k in ("e2e-ours", "e2e-ultralytics", "floor"))
        overhead = ours["ms_per_frame"] - floor["ms_per_frame"]
        lines += [
            f"{label} end to end: ours {ours['fps']:.1f} fps, Ultralytics {ul['fps']:.1f} fps "
            f"-> ours/Ultralytics {ours['fps'] / ul['fps']:.2f}x",
            f"{label} over bare model.track ({floor['fps']:.1f} fps): "
            f"ours +{overhead:.2f} ms/frame "
            f"(+{100 * overhead / floor['ms_per_frame']:.1f}%), Ultralytics "
            f"+{ul['ms_per_frame'] - floor['ms_per_frame']:.2f} ms/frame",
        ]
        for fast in ("fast-openvino", "fast-onnx", "fast-pytorch"):
            if f"{fast}{suffix}" in results:
                fps = results[f"{fast}{suffix}"]["fps"]
                lines.append(f"{label} {fast} (every 2nd frame): {fps:.1f} fps -> "
                             f"{fps / ul['fps']:.2f}x Ultralytics")
    for suffix, label in (("", "480x360"), ("-1080p", "1080p")):
        paired = results.get(f"file{suffix}")
        if paired:
            ours, ul = paired["ours"], paired["ultralytics"]
            lines.append(f"{label} video file end to end: ours {ours['fps']:.1f} fps, "
                         f"Ultralytics {ul['fps']:.1f} fps -> ours/Ultralytics "
                         f"{ours['fps'] / ul['fps']:.2f}x")
            openvino = results.get(f"file-openvino{suffix}")
            if openvino:
                fps = openvino["ours"]["fps"]
                lines.append(f"{label} video file, ours on OpenVINO (every frame): {fps:.1f} fps"
                             f" -> {fps / ul['fps']:.2f}x Ultralytics")
    for res in ("360p", "1080p"):
        for n in (5, 50):
            a, b = f"post-ours-{res}-{n}", f"post-ultralytics-{res}-{n}"
            if a in results and b in results:
                lines.append(f"post-detection {res}, {n} objects: ours "
                             f"{results[a]['ms_per_frame']:.2f} ms, Ultralytics "
                             f"{results[b]['ms_per_frame']:.2f} ms -> ours/Ultralytics "
                             f"{results[a]['ms_per_frame'] / results[b]['ms_per_frame']:.2f}")
    for suffix, label in (("", "480x360"), ("-1080p", "1080p")):
        batch = results.get(f"batch{suffix}")
        if batch:
            one = batch["batch-1"]["ms_per_frame"]
            lines.append(f"{label} inference per frame by batch size: " + ", ".join(
                f"{k.removeprefix('batch-')}: {v['ms_per_frame']:.1f} ms "
                f"({one / v['ms_per_frame']:.2f}x)" for k, v in batch.items()
                if k.startswith("batch-")))
    if "video-yolo" in results:
        lines.append(f"YOLO end to end on the video file (decode + encode beside inference): "
                     f"{results['video-yolo']['fps']:.1f} fps")
    if "motion" in results:
        lines.append(f"motion detector end to end with H.264: {results['motion']['fps']:.1f} fps")
    lines.append("peak memory (MB): " + ", ".join(
        f"{k} {v['peak_rss_mb']:.0f}" for k, v in results.items()
        if not k.startswith(("paired", "file"))))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--objects", type=int, default=20, help="detections per frame")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--half", action="store_true", help="half precision in fast-* cases")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--cache-dir", type=Path,
                        help="where fast-* cases keep their exports (default: a fresh folder)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not VTEST.exists():
        raise SystemExit(f"needs the real footage at {VTEST} (or set HEATMAP_SAMPLE_VIDEO)")
    if args.case:  # child process: one case, JSON on stdout
        print(json.dumps(run_case(args.case, args)))
        return 0
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = [round(x, 2) for x in os.getloadavg()]  # others' work slows the figures
    work = Path(tempfile.mkdtemp(prefix="heatmap-bench-"))
    args.weights = args.weights or make_weights(work / "yolo11n-random.pt", args.objects)
    args.cache_dir = args.cache_dir or work / "cache"
    results: dict[str, dict] = {}
    for case in args.cases.split(","):
        if case.startswith("fast-"):
            # exports are cached: build it outside the timing
            run_case_process(f"{case}", args, warm=True)
        results[case] = run_case_process(case, args)
        print(f"{case:28} {json.dumps(results[case])}", flush=True)
    report = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                          "device": args.device, "python": sys.version.split()[0]},
              "date": started, "load_average_before": load_before,
              "load_average_after": [round(x, 2) for x in os.getloadavg()],
              "frames": args.frames, "objects": args.objects, "results": results,
              "summary": summarise(results)}
    print("\n".join(report["summary"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")
    return 0


def run_case_process(case: str, args: argparse.Namespace, warm: bool = False) -> dict:
    command = [sys.executable, __file__, "--case", case,
               "--frames", str(3 if warm else args.frames),
               "--objects", str(args.objects), "--device", args.device,
               *(["--half"] if args.half else []),
               "--weights", str(args.weights), "--cache-dir", str(args.cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"case {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
