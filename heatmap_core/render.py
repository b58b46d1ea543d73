"""Drawing on the output frame: boxes and labels, regions, and the counts panel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from heatmap_core.regions import Region
from heatmap_core.types import RegionCounts, Tracks

__all__ = ["DrawOptions", "draw_frame"]

REGION_COLOR = (104, 0, 123)  # the seed's purple, BGR
PANEL_BG, PANEL_FG = (104, 31, 17), (255, 255, 255)
# Distinct BGR colours, one per class id (cycled).
PALETTE = ((56, 56, 255), (151, 157, 255), (31, 112, 255), (29, 178, 255), (49, 210, 207),
           (10, 249, 72), (23, 204, 146), (134, 219, 61), (52, 147, 26), (187, 212, 0),
           (168, 153, 44), (255, 194, 0), (147, 69, 52), (255, 115, 100), (236, 24, 0),
           (255, 56, 132), (133, 0, 82), (255, 56, 203), (200, 149, 255), (199, 55, 255))


@dataclass(frozen=True)
class DrawOptions:
    """What to draw; `line_width=None` scales with the frame like the seed."""

    line_width: int | None = None
    show_boxes: bool = True
    show_labels: bool = True
    show_conf: bool = True
    show_in: bool = True
    show_out: bool = True

    def width_for(self, image: np.ndarray) -> int:
        if self.line_width:
            return int(self.line_width)
        return max(round(sum(image.shape[:2]) / 2 * 0.003), 2)


def draw_frame(image: np.ndarray, tracks: Tracks, names: Mapping[int, str],
               regions: Sequence[Region], counts: Sequence[RegionCounts],
               classwise: Mapping[str, Mapping[str, int]], options: DrawOptions) -> None:
    """Draw everything on `image` in place (the caller passes its own copy)."""
    lw = options.width_for(image)
    for region, region_counts in zip(regions, counts, strict=True):
        _draw_region(image, region, region_counts, options, lw)
    if options.show_boxes:
        _draw_tracks(image, tracks, names, options, lw)
    if regions:
        _draw_panel(image, classwise, options, lw)


def _draw_region(image: np.ndarray, region: Region, counts: RegionCounts,
                 options: DrawOptions, lw: int) -> None:
    pts = np.round(np.array(region.points)).astype(np.int32)
    cv2.polylines(image, [pts], isClosed=region.kind == "zone", color=REGION_COLOR,
                  thickness=lw * 2, lineType=cv2.LINE_AA)
    parts = [region.name] if region.name != "region" else []
    if options.show_in:
        parts.append(f"IN {counts.in_count}")
    if options.show_out:
        parts.append(f"OUT {counts.out_count}")
    if region.kind == "zone":
        parts.append(f"inside {counts.inside}")
    x, y = pts.min(axis=0)
    _label(image, "  ".join(parts), (int(x), int(y) - lw), REGION_COLOR, PANEL_FG, lw)


def _draw_tracks(image: np.ndarray, tracks: Tracks, names: Mapping[int, str],
                 options: DrawOptions, lw: int) -> None:
    for (x0, y0, x1, y1), track_id, class_id, conf in zip(
            np.round(tracks.xyxy).astype(int).tolist(), tracks.track_id.tolist(),
            tracks.class_id.tolist(), tracks.confidence.tolist(), strict=True):
        color = PALETTE[class_id % len(PALETTE)]
        cv2.rectangle(image, (x0, y0), (x1, y1), color, lw, cv2.LINE_8)  # AA: 3x slower
        if options.show_labels:
            text = f"{track_id} {names.get(class_id, class_id)}"
            if options.show_conf:
                text += f" {conf:.2f}"
            _label(image, text, (x0, y0), color, (255, 255, 255), lw)


def _draw_panel(image: np.ndarray, classwise: Mapping[str, Mapping[str, int]],
                options: DrawOptions, lw: int) -> None:
    lines = []
    for name, value in classwise.items():
        parts = []
        if options.show_in and value["IN"]:
            parts.append(f"IN {value['IN']}")
        if options.show_out and value["OUT"]:
            parts.append(f"OUT {value['OUT']}")
        if parts:
            lines.append(f"{name.capitalize()} {' '.join(parts)}")
    if not lines:
        return
    scale, thickness = lw / 3, max(lw - 1, 1)
    sizes = [cv2.getTextSize(t, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0] for t in lines]
    margin = lw * 2
    box_w = max(w for w, _ in sizes) + 2 * margin
    x = image.shape[1] - box_w - margin
    y = margin
    for text, (_, h) in zip(lines, sizes, strict=True):
        cv2.rectangle(image, (x, y), (x + box_w, y + h + 2 * margin), PANEL_BG, -1)
        cv2.putText(image, text, (x + margin, y + h + margin), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, PANEL_FG, thickness, cv2.LINE_AA)
        y += h + 3 * margin


def _label(image: np.ndarray, text: str, corner: tuple[int, int], bg: tuple[int, ...],
           fg: tuple[int, ...], lw: int) -> None:
    scale, thickness = lw / 3, max(lw - 1, 1)
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x, y = corner
    y = max(y, h + base + 2)
    x = min(max(x, 0), max(image.shape[1] - w - 2, 0))
    cv2.rectangle(image, (x, y - h - base - 2), (x + w + 2, y), bg, -1)
    cv2.putText(image, text, (x + 1, y - base), cv2.FONT_HERSHEY_SIMPLEX, scale, fg,
                thickness, cv2.LINE_AA)
