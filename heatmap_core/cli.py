"""`heatmap key=value ...`: analyse a video from the command line (the seed's CLI style).

    heatmap source=video.mp4 model=motion colormap=inferno region="[(20, 400), (1080, 400)]"
"""

from __future__ import annotations

import ast
import logging
import os
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from heatmap_core.analysis import OUTPUT_FILES, Progress, analyse_video
from heatmap_core.colormaps import COLORMAPS
from heatmap_core.detectors import (
    DEFAULT_TRACKER,
    DEFAULT_WEIGHTS,
    ENGINES,
    TRACKERS,
    ModelLoadError,
)
from heatmap_core.pipeline import Heatmap
from heatmap_core.video import VideoError, open_video

__all__ = ["main"]

# name: (default, help). Everything but the first block goes to Heatmap(...).
OPTIONS: dict[str, tuple[Any, str]] = {
    "source": (None, "video file, camera index (0) or stream URL (required)"),
    "output": (None, "folder for the results (default runs/heatmap/<video name>)"),
    "vid_stride": (1, "analyse every n-th frame (faster; tracks keep their ids)"),
    "max_frames": (None, "stop after this many analysed frames"),
    "model": (DEFAULT_WEIGHTS, "YOLO weights (.pt, .onnx, OpenVINO folder...) or 'motion', "
              "the built-in detector that needs no weights"),
    "engine": (ENGINES[0], f"{' / '.join(ENGINES)}: onnx and openvino are faster on CPUs "
               "(exported on first use, then cached)"),
    "cache_dir": (None, "where exports are cached (default $HEATMAP_CACHE_DIR, else "
                  "~/.cache/heatmap_core)"),
    "colormap": ("deepgreen", "OpenCV colormap: " + ", ".join(COLORMAPS)),
    "region": (None, 'counting line (2 points) or zone (3+): "[(20, 400), (1080, 400)]"'),
    "classes": (None, "classes to keep, ids or names: 0,2 or person,car"),
    "conf": (0.25, "minimum detection confidence"),
    "iou": (0.7, "IoU threshold of non-maximum suppression"),
    "tracker": (DEFAULT_TRACKER, ", ".join(TRACKERS) + ", or a tracker .yaml file"),
    "imgsz": (640, "inference size in pixels"),
    "device": (None, "cpu, 0 (first GPU), mps..."),
    "half": (False, "half precision inference (GPU)"),
    "max_det": (300, "most detections per frame"),
    "decay": (None, "heat half-life in seconds (default: keep all heat)"),
    "opacity": (0.5, "how strongly heat colours the frame, 0..1"),
    "show": (False, "show frames in a window (needs a display)"),
    "show_in": (True, "draw IN counts"),
    "show_out": (True, "draw OUT counts"),
    "show_conf": (True, "draw confidences"),
    "show_labels": (True, "draw labels"),
    "show_boxes": (True, "draw boxes"),
    "line_width": (2, "line width of boxes and regions"),
    "verbose": (False, "log each counted crossing"),
}
_RUN_OPTIONS = ("source", "output", "vid_stride", "max_frames")


class UsageError(ValueError):
    pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or any(a in ("-h", "--help", "help") for a in args):
        print(usage())
        return 0 if args else 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        options = parse_args(args)
        if options.get("source") is None:
            raise UsageError("source is required, e.g. heatmap source=video.mp4")
        video = open_video(options["source"])  # a bad source fails before a model loads
        heatmap_kwargs = {k: v for k, v in options.items() if k not in _RUN_OPTIONS}
        heatmap_kwargs.setdefault("verbose", False)
        if heatmap_kwargs.get("cache_dir") is None:  # the CLI's own setting, not the core's
            heatmap_kwargs["cache_dir"] = os.environ.get("HEATMAP_CACHE_DIR") or None
        try:
            heatmap = Heatmap(**heatmap_kwargs)
        except BaseException:
            video.close()
            raise
        output = Path(options["output"]) if options.get("output") else _default_output(
            str(options["source"]))
        stopping = _StopOnInterrupt()
        bar = _ProgressBar()
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            summary = analyse_video(video, heatmap, output, on_progress=bar,
                                    should_stop=stopping,
                                    stride=int(options.get("vid_stride", 1)),
                                    max_frames=options.get("max_frames"))
    except (ValueError, VideoError, ModelLoadError) as error:
        print(f"heatmap: error: {error}", file=sys.stderr)
        return 2
    bar.finish()
    note = f" (partial: {summary.stop_reason})" if summary.partial else ""
    analysed = ("" if summary.frames_analysed == summary.frames
                else f" ({summary.frames_analysed} analysed)")
    print(f"{summary.frames} frames{analysed}, IN {summary.in_count}, OUT {summary.out_count}, "
          f"{summary.total_tracks} tracks{note}\nresults in {output}/: "
          + ", ".join(OUTPUT_FILES.values()))
    return 130 if summary.stop_reason == "stopped" else 0


def parse_args(args: list[str]) -> dict[str, Any]:
    """key=value pairs (a leading -- is accepted) into typed options."""
    options: dict[str, Any] = {}
    for arg in args:
        key, sep, value = arg.removeprefix("--").partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            raise UsageError(f"expected key=value, got {arg!r} (see heatmap --help)")
        if key not in OPTIONS:
            raise UsageError(f"unknown option {key!r} (see heatmap --help)")
        options[key] = _typed(key, value.strip())
    return options


def usage() -> str:
    lines = ["usage: heatmap source=VIDEO [key=value ...]", "",
             "Heatmap and line/zone counts of a video; writes "
             + ", ".join(OUTPUT_FILES.values()) + ".", "", "options:"]
    for name, (default, text) in OPTIONS.items():
        lines.append(f"  {name:<12} {text}" + (f" [{default}]" if default is not None else ""))
    lines += ["", "example:",
              '  heatmap source=video.mp4 model=motion colormap=inferno '
              'region="[(20, 400), (1080, 400)]" classes=0,2']
    return "\n".join(lines)


def _typed(key: str, value: str) -> Any:
    if value.lower() in ("none", "null", ""):
        return None
    default = OPTIONS[key][0]
    if isinstance(default, bool):
        if value.lower() in ("true", "1", "yes", "on"):
            return True
        if value.lower() in ("false", "0", "no", "off"):
            return False
        raise UsageError(f"{key} must be true or false, got {value!r}")
    if key in ("region", "classes", "colormap", "source", "output", "model", "tracker",
               "device", "engine", "cache_dir"):
        return value  # parsed by the code that owns their meaning
    try:
        number = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        raise UsageError(f"{key} must be a number, got {value!r}") from None
    if not isinstance(number, (int, float)) or isinstance(number, bool):
        raise UsageError(f"{key} must be a number, got {value!r}")
    return number


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    """A warning as one line (a region cut to the frame), not a source location."""
    print(f"heatmap: warning: {message}", file=sys.stderr)


def _default_output(source: str) -> Path:
    stem = Path(source).stem if not source.isdigit() else f"camera{source}"
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem) or "video"
    base = Path("runs") / "heatmap" / stem
    candidate, n = base, 2
    while candidate.exists():
        candidate, n = base.with_name(f"{stem}-{n}"), n + 1
    return candidate


class _StopOnInterrupt:
    """Ctrl-C asks the loop to stop after the current frame; the results are kept."""

    def __init__(self) -> None:
        self.stop = False
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, *_: object) -> None:
        if self.stop:
            raise KeyboardInterrupt
        self.stop = True
        print("\nstopping: writing what was analysed (Ctrl-C again to abort)",
              file=sys.stderr)

    def __call__(self) -> bool:
        return self.stop


class _ProgressBar:
    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._last_print = 0.0
        self._width = 0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self._tty and now - self._last_print < 5:
            return
        self._last_print = now
        done, total = progress.frames_done, progress.frames_total
        if progress.fraction is not None:
            filled = int(30 * progress.fraction)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            bar = f"{done} frames"
        eta = progress.eta_s
        text = f"{bar}  {progress.fps:.1f} frames/s" + (
            f"  {int(eta // 60)}:{int(eta % 60):02d} left" if eta is not None else "")
        latest = progress.latest
        if latest is not None:
            text += f"  IN {latest.in_count} OUT {latest.out_count}"
        self._width = max(self._width, len(text))
        end = "\r" if self._tty else "\n"
        print(text.ljust(self._width), end=end, file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self._tty:
            print(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
