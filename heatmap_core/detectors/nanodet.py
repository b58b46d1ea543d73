"""NanoDet (COCO, 416x416, ONNX) run by ONNX Runtime, tracked by an Ultralytics tracker.

A real pretrained detector that needs neither PyTorch nor a download: the benchmark
measures the detect -> track -> count path with it on real footage. Its decoding (see
the model's README): the frame is stretched to 416x416 RGB in 0..1; three grids
(13, 26, 52 cells a side, row-major) each give per-class scores (already 0..1) and,
per box side, a distribution over 11 bins whose arg-max times the grid's bin size
(32.5, 16.25, 8.125 input pixels) is the side's distance from the cell centre.
Boxes above `conf` go through per-class non-maximum suppression at `iou`, then the
tracker (the YOLO path's tracker configs, ByteTrack by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from heatmap_core.detectors.errors import ModelLoadError
from heatmap_core.detectors.yolo import DEFAULT_TRACKER, resolve_classes
from heatmap_core.tracking import UltralyticsTracker
from heatmap_core.types import Tracks

__all__ = ["COCO_NAMES", "NanoDetDetector"]

COCO_NAMES = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat",
    "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack",
    "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball",
    "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket",
    "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair",
    "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse",
    "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier",
    "toothbrush")
_SIZE = 416
_GRIDS = ((13, 32.5), (26, 16.25), (52, 8.125))  # cells a side, input pixels per bin
_BINS = 11


class NanoDetDetector:
    """Detection with NanoDet's ONNX weights, tracking with an Ultralytics tracker."""

    def __init__(self, weights: str | Path, *, conf: float = 0.4, iou: float = 0.4,
                 classes: Sequence[int | str] | str | None = None,
                 tracker: str = DEFAULT_TRACKER, threads: int = 1,
                 integral: bool = True) -> None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise ModelLoadError(f"no NanoDet weights at {path}: pass the path of "
                                 "nanodet-coco-416.onnx")
        try:
            import onnxruntime  # type: ignore[import-untyped]
        except ImportError:
            raise ModelLoadError("NanoDet needs onnxruntime: pip install onnxruntime") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self._session: Any = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own types for bad files
            raise ModelLoadError(f"{path} could not be loaded by ONNX Runtime "
                                 f"({str(error).splitlines()[0]})") from None
        self._input = self._session.get_inputs()[0].name
        self._outputs = self._plan_outputs()
        self.conf = conf
        self.iou = iou
        self.integral = integral
        self._names = MappingProxyType(dict(enumerate(COCO_NAMES)))
        self.classes = resolve_classes(classes, self._names)
        self._tracker = UltralyticsTracker(tracker)

    @property
    def names(self) -> Mapping[int, str]:
        return self._names

    def reset(self) -> None:
        self._tracker.reset()

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        boxes, scores, class_ids = self.detect(frame)
        return self._tracker.update(boxes, scores, class_ids, frame)

    def detect(self, frame: np.ndarray) -> tuple[npt.NDArray[np.float32],
                                                 npt.NDArray[np.float32],
                                                 npt.NDArray[np.int64]]:
        """Boxes (N, 4) xyxy in frame pixels, scores and class ids, after NMS."""
        h, w = frame.shape[:2]
        image = cv2.cvtColor(cv2.resize(frame, (_SIZE, _SIZE)), cv2.COLOR_BGR2RGB)
        blob = (image.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        outputs = self._session.run(None, {self._input: blob})
        all_boxes, all_scores, all_classes = [], [], []
        for (grid, step), (score_at, box_at) in zip(_GRIDS, self._outputs, strict=True):
            scores = outputs[score_at][0]
            if self.classes is not None:
                keep_classes = np.zeros(scores.shape[1], bool)
                keep_classes[self.classes] = True
                scores = np.where(keep_classes, scores, 0.0)
            best = scores.argmax(axis=1)
            best_score = scores[np.arange(len(scores)), best]
            cells = np.flatnonzero(best_score >= self.conf)
            if not len(cells):
                continue
            logits = outputs[box_at][0][cells].reshape(-1, 4, _BINS)
            sides = _side_lengths(logits, self.integral) * step
            cx = (cells % grid + 0.5) * _SIZE / grid
            cy = (cells // grid + 0.5) * _SIZE / grid
            all_boxes.append(np.column_stack([cx - sides[:, 0], cy - sides[:, 1],
                                              cx + sides[:, 2], cy + sides[:, 3]]))
            all_scores.append(best_score[cells])
            all_classes.append(best[cells])
        if not all_boxes:
            return (np.zeros((0, 4), np.float32), np.zeros(0, np.float32),
                    np.zeros(0, np.int64))
        boxes = np.concatenate(all_boxes) * np.array([w, h, w, h]) / _SIZE
        scores_all = np.concatenate(all_scores).astype(np.float32)
        classes_all = np.concatenate(all_classes).astype(np.int64)
        keep = _nms(boxes, scores_all, classes_all, self.iou)
        return (boxes[keep].astype(np.float32), scores_all[keep], classes_all[keep])

    def _plan_outputs(self) -> list[tuple[int, int]]:
        """(score output index, box output index) for each grid, by their shapes."""
        shapes = [tuple(o.shape) for o in self._session.get_outputs()]
        plan = []
        for grid, _ in _GRIDS:
            cells = grid * grid
            score_at = shapes.index((1, cells, len(COCO_NAMES)))
            box_at = shapes.index((1, cells, 4 * _BINS))
            plan.append((score_at, box_at))
        return plan


def _side_lengths(logits: npt.NDArray[np.float32], integral: bool) -> npt.NDArray[np.float64]:
    """Each side's length in bins: the arg-max bin, or the distribution's mean (the
    integral NanoDet was trained with: finer than a bin)."""
    if not integral:
        return logits.argmax(axis=2).astype(np.float64)
    weights = np.exp(logits - logits.max(axis=2, keepdims=True))
    weights /= weights.sum(axis=2, keepdims=True)
    return np.asarray(weights @ np.arange(_BINS, dtype=np.float64))


def _nms(boxes: npt.NDArray[np.float64], scores: npt.NDArray[np.float32],
         classes: npt.NDArray[np.int64], iou: float) -> npt.NDArray[np.int64]:
    """Per-class non-maximum suppression (OpenCV's), indices kept, best first."""
    offset = classes[:, None] * 10_000.0  # boxes of different classes never overlap
    shifted = boxes + offset
    xywh = np.column_stack([shifted[:, :2], shifted[:, 2:] - shifted[:, :2]])
    keep = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), 0.0, iou)
    return np.asarray(keep, np.int64).reshape(-1)
