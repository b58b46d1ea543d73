"""Ultralytics YOLO detection and tracking, with any weights its loader accepts.

Ultralytics keeps tracker state on the model object, so every `YoloDetector` owns its
own model: pass a weights path, or a loaded model to copy (a cache of loaded models is
safe to share as long as nothing runs them directly).
"""

from __future__ import annotations

import copy
import itertools
import logging
import threading
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from heatmap_core.detectors.errors import ModelLoadError
from heatmap_core.detectors.export import ENGINES, export_model
from heatmap_core.detectors.ultralytics_setup import (
    first_line,
    prepare_ultralytics,
    quiet_ultralytics,
    yolo_class,
)
from heatmap_core.lookahead import ordered_map
from heatmap_core.tracking import UltralyticsTracker
from heatmap_core.types import Tracks

if TYPE_CHECKING:
    from ultralytics import YOLO

__all__ = ["DEFAULT_TRACKER", "DEFAULT_WEIGHTS", "TRACKERS", "ModelLoadError", "YoloDetector",
           "is_official_name", "load_model", "model_names", "official_weights",
           "resolve_classes"]

DEFAULT_WEIGHTS = "yolo11n.pt"
# ByteTrack is the default because it honours `conf`: it tracks exactly the detections
# at or above it. TrackTrack, for one, starts tracks only from 0.7 and recovers boxes
# that NMS dropped, whatever `conf` says. Ultralytics' own default is also ByteTrack.
DEFAULT_TRACKER = "bytetrack.yaml"
# Every tracker config the pinned Ultralytics ships; each runs offline on detection
# boxes (none of them loads ReID weights as configured). tests/test_yolo.py checks the
# list against the installed package and runs each one.
TRACKERS = (DEFAULT_TRACKER, "botsort.yaml", "ocsort.yaml", "deepocsort.yaml",
            "fasttrack.yaml", "tracktrack.yaml")
# Official weights families, in the order a user should meet them: YOLO11 first.
_OFFICIAL_FAMILIES = ("11", "26", "12", "v8", "v10", "v9")
_OFFICIAL_SIZES = ("n", "s", "m", "l", "x", "b", "c", "e", "t")

_log = logging.getLogger("heatmap_core")

# Trackers whose Ultralytics callback needs only the boxes and the frame: they can track
# boxes detected ahead, in other threads (`YoloDetector.detect_ahead`).
_BOX_ONLY_TRACKERS = ("bytetrack", "botsort", "ocsort", "deepocsort", "fasttrack")
F = TypeVar("F", bound=tuple[Any, ...])

# Class names of models from `load_model`: asking an exported model for them later would
# load it again. Keyed weakly, so a dropped model takes its names with it.
_NAMES: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


def load_model(weights: str | Path) -> YOLO:
    """Load and check YOLO weights, or raise ModelLoadError with the fix.

    The returned model has never run; copy it (YoloDetector does) before tracking.
    """
    text = str(weights).strip()
    path = Path(text).expanduser()
    if not text:
        raise ModelLoadError("no model given: pass a weights file such as yolo11n.pt, "
                             "or model=motion for the built-in detector")
    if not path.exists() and not is_official_name(text):
        raise ModelLoadError(f"no weights file at {text}: check the path, or use an official "
                             "name such as yolo11n.pt, or model=motion (needs no weights)")
    exported = path.exists() and path.suffix != ".pt"  # a fixed input size
    check_options: dict[str, Any] = {} if exported else {"imgsz": 64}
    try:
        with quiet_ultralytics():
            model = yolo_class()(str(path) if path.exists() else text, verbose=False)
            names = dict(model.names)
            model.predict(np.zeros((64, 64, 3), np.uint8), verbose=False, **check_options)
    except Exception as error:  # ultralytics raises many types; all mean "not loadable"
        if not path.exists():
            raise ModelLoadError(
                f"{text} is not on this machine and could not be downloaded (no internet?). "
                f"On a machine with internet, download it from https://github.com/ultralytics/"
                f"assets/releases and pass its path (model=path/to/{path.name}), or use "
                "model=motion, the built-in detector that needs no weights.") from None
        raise ModelLoadError(f"{text} could not be loaded as a YOLO model "
                             f"({first_line(error)}). Is it a YOLO weights file?") from None
    if not names:
        raise ModelLoadError(f"{text} has no class names: is it a detection model?")
    model.predictor = None  # the check above ran it; copies start clean
    _NAMES[model] = names
    return model


def model_names(model: YOLO) -> dict[int, str]:
    """Class names of a model from `load_model`, without loading it again."""
    names = _NAMES.get(model)
    return dict(names) if names else dict(model.names)


def is_official_name(name: str) -> bool:
    """Is `name` a model Ultralytics downloads by itself (yolo11n.pt, yolov8s.pt...)?"""
    prepare_ultralytics()
    from ultralytics.utils.downloads import GITHUB_ASSETS_NAMES

    return name in GITHUB_ASSETS_NAMES


def official_weights() -> tuple[str, ...]:
    """The official detection weights Ultralytics can download, YOLO11 first (the
    default, `DEFAULT_WEIGHTS`), then YOLO26, YOLO12, YOLOv8, v10 and v9; smallest first
    within a family."""
    candidates = [f"yolo{family}{size}.pt" for family in _OFFICIAL_FAMILIES
                  for size in _OFFICIAL_SIZES]
    return tuple(n for n in candidates if is_official_name(n))


def resolve_classes(classes: Sequence[int | str] | str | int | None,
                    names: Mapping[int, str]) -> list[int] | None:
    """Class ids from ids or names ("person", 0, "0,2"); ValueError for unknown ones."""
    if classes is None or classes == "" or classes == []:
        return None
    if isinstance(classes, (str, int)):  # "0,2", "[0, 2]", "person; car"
        text = str(classes).strip().strip("[]()").replace(";", ",")
        classes = [c.strip().strip("'\"") for c in text.split(",") if c.strip()]
    by_name = {name.lower(): i for i, name in names.items()}
    ids = []
    for item in classes:
        key = str(item).strip()
        if key.lstrip("-").isdigit() and int(key) in names:
            ids.append(int(key))
        elif key.lower() in by_name:
            ids.append(by_name[key.lower()])
        else:
            listed = ", ".join(f"{i} {n}" for i, n in list(names.items())[:12])
            more = ", ..." if len(names) > 12 else ""
            raise ValueError(f"unknown class {item!r}: this model knows {listed}{more}")
    return sorted(set(ids))


class YoloDetector:
    """Detection + tracking with an Ultralytics model; one instance per video or stream.

    `cache_dir` is where the onnx / openvino engines keep their exports (default
    `~/.cache/heatmap_core`).
    """

    def __init__(self, model: str | Path | YOLO = DEFAULT_WEIGHTS, *,
                 tracker: str = DEFAULT_TRACKER, conf: float = 0.25, iou: float = 0.7,
                 classes: Sequence[int | str] | str | None = None, device: str | None = None,
                 imgsz: int = 640, max_det: int = 300, half: bool = False,
                 engine: str = "pytorch", cache_dir: str | Path | None = None) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        # An exported engine takes one fixed input size: square at first, then the
        # shape of the frames it is given (`_fit`).
        self._export: Callable[[tuple[int, int]], Path] | None = None
        self._input: tuple[int, int] = (imgsz, imgsz)
        self._imgsz = imgsz
        if engine != "pytorch":
            weights = _weights_file(model)
            self._export = partial(export_model, weights, engine, half=half,
                                   cache_dir=cache_dir)
            model = load_model(export_model(weights, engine, imgsz, half, cache_dir))
        if isinstance(model, (str, Path)):
            model = load_model(model)
            self.model = model
        else:
            self.model = copy.deepcopy(model)
            self.model.predictor = None
        self.engine = engine
        self._names = model_names(model)
        self.tracker = _check_tracker(tracker)
        self._args: dict[str, Any] = dict(
            conf=conf, iou=iou, classes=resolve_classes(classes, self._names),
            device=device, imgsz=imgsz, max_det=max_det, tracker=self.tracker,
            persist=True, verbose=False)
        if half:
            self._args["quantize"] = 16
        self._ahead_tracker: UltralyticsTracker | None = None

    @property
    def names(self) -> Mapping[int, str]:
        """Class ids to names, as the weights define them."""
        return self._names

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        self._fit(frame)
        if self.model.predictor is None:  # the first call sets up (and announces) it
            with quiet_ultralytics():
                result = next(iter(self.model.track(frame, **self._args)))
        else:
            result = next(iter(self.model.track(frame, **self._args)))
        boxes = result.obb if result.obb is not None else result.boxes
        trackers = getattr(self.model.predictor, "trackers", None) or [None]
        removed = getattr(trackers[0], "removed_stracks_frame", ())
        retired = tuple(int(t.track_id) for t in removed)
        if boxes is None or not boxes.is_track or len(boxes) == 0:
            return Tracks.empty(retired)
        found = boxes.cpu().numpy()
        return Tracks(np.asarray(found.xyxy, np.float32), np.asarray(found.id, np.int64),
                      np.asarray(found.cls, np.int64), np.asarray(found.conf, np.float32),
                      retired)

    def reset(self) -> None:
        for tracker in getattr(self.model.predictor, "trackers", None) or ():
            tracker.reset()
        self._ahead_tracker = None

    def detect_ahead(self, frames: Iterable[F], workers: int | None = None
                     ) -> Generator[tuple[F, Tracks], None, None]:
        """Tracks of frames known in advance (a video file), detected ahead of tracking.

        `frames` yields items whose last element is the BGR frame, e.g.
        (index, time_s, frame); each comes back with its tracks, in order. Detection
        runs in `workers` threads, each on its own copy of the model, while the caller
        tracks, counts and draws earlier frames. By default, for PyTorch on the CPU: two
        threads on two cores, one per two cores above that (at most four), PyTorch's
        threads shared out between them; one thread otherwise (a GPU, or an engine
        with its own threading). Tracking stays in the caller, in order, with the same
        Ultralytics tracker and the same boxes as `update`: the tracks are those
        `update` gives, frame for frame (tests/test_yolo.py checks it). They continue
        from earlier `detect_ahead` calls, not from `update`'s; `reset` clears both. A
        tracker that needs more than boxes and the frame (ReID features, TrackTrack's
        raw predictions) falls back to `update`.
        """
        if not self.can_detect_ahead:
            for item in frames:
                yield item, self.update(_frame_of(item), 0.0)
            return
        frames = iter(frames)
        first = next(frames, None)
        if first is None:
            return
        self._fit(_frame_of(first))
        frames = itertools.chain((first,), frames)
        count, threads = self._ahead_plan(workers)
        # This detector's own model for one thread (nothing else runs it meanwhile:
        # tracking needs only boxes), a copy each for the others, made here, before
        # any thread runs (an exported engine's copy compiles it again).
        models = [self.model, *(self._copy_model() for _ in range(count - 1))]
        lock = threading.Lock()

        def lend() -> Callable[[np.ndarray], np.ndarray]:
            with lock:
                return self._box_detector(models.pop())

        if self._ahead_tracker is None:
            self._ahead_tracker = UltralyticsTracker(self.tracker)
        tracker = self._ahead_tracker
        with _torch_threads(threads):
            for item, boxes in ordered_map(lend, _detect_boxes, frames, count):
                frame = _frame_of(item)
                yield item, tracker.update(boxes[:, :4], boxes[:, 4], boxes[:, 5], frame)

    @property
    def can_detect_ahead(self) -> bool:
        """Can `detect_ahead` track boxes found in other threads exactly as `update`?"""
        from ultralytics.utils import YAML
        from ultralytics.utils.checks import check_yaml

        config = YAML.load(check_yaml(self.tracker))
        return (config.get("tracker_type") in _BOX_ONLY_TRACKERS
                and not config.get("with_reid", False)
                and getattr(self.model, "task", "detect") != "obb")

    def _ahead_plan(self, workers: int | None) -> tuple[int, int | None]:
        """(detection threads, torch threads each; None: leave torch as it is)."""
        import torch

        device = self._args.get("device")
        if device is None:  # as Ultralytics: the first GPU if there is one
            device = "0" if torch.cuda.is_available() else "cpu"
        if self.engine != "pytorch" or str(device) != "cpu":
            return workers or 1, None

        cores = torch.get_num_threads()
        count = workers or max(1, min(4, cores // 2 if cores > 2 else cores))
        return count, max(1, cores // count)

    def _fit(self, frame: np.ndarray) -> None:
        """An exported engine's fixed input made the shape PyTorch letterboxes `frame`
        to (for a 16:9 frame at imgsz 640: 384x640, not 640x640, so nearly half the
        work), exported once for that shape and cached like the first. Done at the
        first frame, and again if the frame size changes (the tracks then start over).
        If that export fails, the square one stays."""
        if self._export is None:
            return
        shape = letterbox_shape(frame.shape[:2], self._imgsz)
        if shape == self._input:
            return
        try:
            model = load_model(self._export(shape))
        except ModelLoadError as error:
            _log.warning("keeping the %dx%d input: %s", *self._input, error)
            self._export = None
            return
        self.model = model
        self._input = shape
        self._args["imgsz"] = list(shape)
        self._ahead_tracker = None

    def _copy_model(self) -> YOLO:
        """A copy of the model that has never run (its own predictor comes on first use)."""
        predictor, self.model.predictor = self.model.predictor, None
        try:
            return copy.deepcopy(self.model)
        finally:
            self.model.predictor = predictor

    def _box_detector(self, model: YOLO) -> Callable[[np.ndarray], np.ndarray]:
        """Boxes of a frame, [x1, y1, x2, y2, conf, class] rows, from `model` alone."""
        args = {k: v for k, v in self._args.items() if k not in ("tracker", "persist")}
        if args.get("conf") is None:  # as model.track: trackers need low-confidence boxes
            args["conf"] = 0.1

        def detect(frame: np.ndarray) -> np.ndarray:
            with quiet_ultralytics():
                result: Any = next(iter(model.predict(frame, **args)))
            boxes = result.boxes
            if boxes is None or len(boxes) == 0:
                return np.zeros((0, 6), np.float32)
            return np.asarray(boxes.cpu().numpy().data[:, :6], np.float32)

        return detect


def letterbox_shape(frame_shape: tuple[int, ...], imgsz: int, stride: int = 32
                    ) -> tuple[int, int]:
    """(height, width) of the network input Ultralytics letterboxes a frame of
    `frame_shape` to, with PyTorch weights: the longer side `imgsz`, the other scaled
    and padded up to a multiple of `stride` (1080x1920 -> 384x640; 360x480 -> 480x640)."""
    h, w = frame_shape[:2]
    scale = min(imgsz / h, imgsz / w)
    new_h, new_w = round(h * scale), round(w * scale)
    return new_h + (imgsz - new_h) % stride, new_w + (imgsz - new_w) % stride


def _frame_of(item: tuple[Any, ...]) -> np.ndarray:
    frame = item[-1]
    assert isinstance(frame, np.ndarray), "detect_ahead items end with the frame"
    return frame


def _detect_boxes(detect: Callable[[np.ndarray], np.ndarray], item: tuple[Any, ...]
                  ) -> np.ndarray:
    return detect(_frame_of(item))


@contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """PyTorch's intra-op threads set to `count` while detection runs ahead in several
    threads (each then runs its own frame on its share of the cores, which on a small
    model beats all cores on one frame), restored after. Process-wide: PyTorch has no
    per-thread setting."""
    if count is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _weights_file(model: str | Path | YOLO) -> str | Path:
    """The .pt file behind `model`, fetched first when it is an official name."""
    weights = model if isinstance(model, (str, Path)) else model.ckpt_path
    if weights is None:
        raise ModelLoadError("this model has no weights file to export from: pass the path "
                             "of its .pt weights")
    if not Path(str(weights)).is_file():  # an official name: fetch it first
        weights = load_model(weights).ckpt_path
        if weights is None:
            raise ModelLoadError(f"{model} has no weights file to export from")
    return weights


def _check_tracker(tracker: str) -> str:
    prepare_ultralytics()
    from ultralytics.utils.checks import check_yaml

    try:
        check_yaml(tracker)
    except Exception:
        raise ValueError(f"unknown tracker {tracker!r}: use one of {', '.join(TRACKERS)}, "
                         "or the path to a tracker .yaml file") from None
    return tracker
