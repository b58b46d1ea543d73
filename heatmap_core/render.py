"""Drawing on the output frame: boxes and labels, regions, and the counts panel.

Invariants: labels never overlap one another, the region labels or the counts panel,
and every label lies wholly inside the frame. `layout_labels` decides where each label
goes (a pure function of boxes, label sizes and the frame); a label with no free place
near its box is left out, its box still drawn. Labels are drawn after every box and
region line, so no line crosses a label's text; region labels and the counts panel are
placed first, so the counts stay readable however crowded the scene.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from heatmap_core.regions import Region
from heatmap_core.types import RegionCounts, Tracks

__all__ = ["DrawOptions", "Label", "Rect", "draw_frame", "layout_labels"]

REGION_COLOR = (104, 0, 123)  # the seed's purple, BGR
PANEL_BG, PANEL_FG = (104, 31, 17), (255, 255, 255)
LABEL_FG = (255, 255, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX
# How far (in label heights) a label may move up from above its box, or down from
# below it, before it is left out: further away it would no longer read as the box's.
MAX_SHIFT = 3
# Distinct BGR colours, one per class id (cycled).
PALETTE = ((56, 56, 255), (151, 157, 255), (31, 112, 255), (29, 178, 255), (49, 210, 207),
           (10, 249, 72), (23, 204, 146), (134, 219, 61), (52, 147, 26), (187, 212, 0),
           (168, 153, 44), (255, 194, 0), (147, 69, 52), (255, 115, 100), (236, 24, 0),
           (255, 56, 132), (133, 0, 82), (255, 56, 203), (200, 149, 255), (199, 55, 255))


@dataclass(frozen=True)
class Rect:
    """A pixel rectangle, half-open: x0 <= x < x1, y0 <= y < y1."""

    x0: int
    y0: int
    x1: int
    y1: int

    def intersects(self, other: Rect) -> bool:
        return (self.x0 < other.x1 and other.x0 < self.x1
                and self.y0 < other.y1 and other.y0 < self.y1)

    def inside(self, width: int, height: int) -> bool:
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


@dataclass(frozen=True)
class Label:
    """One label as drawn: its text, the rectangle its background fills, and where the
    text's baseline starts."""

    text: str
    rect: Rect
    origin: tuple[int, int]


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


def layout_labels(boxes: Sequence[tuple[int, int, int, int]],
                  sizes: Sequence[tuple[int, int]], frame: tuple[int, int],
                  taken: Sequence[Rect] = ()) -> list[Rect | None]:
    """Where each label goes: one rectangle per box (same order), or None when it is
    left out.

    `boxes` are (x0, y0, x1, y1) anchors, `sizes` the labels' (width, height), `frame`
    the frame's (width, height), `taken` rectangles no label may cover. Boxes are served
    top to bottom; each label takes the first free place of: above its box, inside the
    box's top, below the box, inside its bottom, then further up and further down (up
    to MAX_SHIFT label heights), each tried at the box's left edge and then its right;
    every place is first moved inside the frame.
    """
    if len(boxes) != len(sizes):
        raise ValueError(f"layout_labels got {len(boxes)} boxes and {len(sizes)} sizes")
    width, height = frame
    placed = list(taken)
    out: list[Rect | None] = [None] * len(boxes)
    for i in sorted(range(len(boxes)), key=lambda k: (boxes[k][1], boxes[k][0])):
        x0, y0, x1, y1 = boxes[i]
        w, h = sizes[i]
        if w > width or h > height:
            continue
        tops = [y0 - h, y0, y1, y1 - h]
        tops += [t for k in range(1, MAX_SHIFT + 1) for t in (y0 - h * (k + 1), y1 + h * k)]
        for top in tops:
            rect = _first_free(top, (x0, x1 - w), w, h, width, height, placed)
            if rect is not None:
                out[i] = rect
                placed.append(rect)
                break
    return out


def _first_free(top: int, lefts: Sequence[int], w: int, h: int, width: int, height: int,
                placed: Sequence[Rect]) -> Rect | None:
    top = min(max(top, 0), height - h)
    for left in lefts:
        left = min(max(left, 0), width - w)
        rect = Rect(left, top, left + w, top + h)
        if not any(rect.intersects(p) for p in placed):
            return rect
    return None


def draw_frame(image: np.ndarray, tracks: Tracks, names: Mapping[int, str],
               regions: Sequence[Region], counts: Sequence[RegionCounts],
               classwise: Mapping[str, Mapping[str, int]],
               options: DrawOptions) -> tuple[Label, ...]:
    """Draw everything on `image` in place (the caller passes its own copy); returns the
    labels drawn (the counts panel's lines first, then regions', then boxes')."""
    lw = options.width_for(image)
    frame = (image.shape[1], image.shape[0])
    labels: list[tuple[Label, tuple[int, ...]]] = []
    for region in regions:
        pts = np.round(np.array(region.points)).astype(np.int32)
        cv2.polylines(image, [pts], isClosed=region.kind == "zone", color=REGION_COLOR,
                      thickness=lw * 2, lineType=cv2.LINE_AA)
    boxes = np.round(tracks.xyxy).astype(int).tolist() if options.show_boxes else []
    class_ids = tracks.class_id.tolist() if options.show_boxes else []
    for (x0, y0, x1, y1), class_id in zip(boxes, class_ids, strict=True):
        cv2.rectangle(image, (x0, y0), (x1, y1), PALETTE[class_id % len(PALETTE)], lw,
                      cv2.LINE_8)  # AA: 3x slower
    taken = _panel_labels(image, classwise, options, lw) if regions else []
    labels += [(label, PANEL_BG) for label in taken]
    region_texts = [_region_text(r, c, options) for r, c in zip(regions, counts, strict=True)]
    region_boxes = [_bounds(r, lw) for r in regions]
    placed = _place(region_texts, region_boxes, frame, [lb.rect for lb in taken], lw)
    labels += [(lb, REGION_COLOR) for lb in placed if lb is not None]
    if boxes and options.show_labels:
        texts = []
        for track_id, class_id, conf in zip(tracks.track_id.tolist(), tracks.class_id.tolist(),
                                            tracks.confidence.tolist(), strict=True):
            text = f"{track_id} {names.get(class_id, class_id)}"
            texts.append(text + f" {conf:.2f}" if options.show_conf else text)
        blocked = [lb.rect for lb, _ in labels]
        placed = _place(texts, [tuple(b) for b in boxes], frame, blocked, lw)
        colors = [PALETTE[c % len(PALETTE)] for c in class_ids]
        labels += [(lb, color) for lb, color in zip(placed, colors, strict=True)
                   if lb is not None]
    for label, bg in labels:
        _paint(image, label, bg, lw)
    return tuple(label for label, _ in labels)


def _region_text(region: Region, counts: RegionCounts, options: DrawOptions) -> str:
    parts = [region.name] if region.name != "region" else []
    if options.show_in:
        parts.append(f"IN {counts.in_count}")
    if options.show_out:
        parts.append(f"OUT {counts.out_count}")
    if region.kind == "zone":
        parts.append(f"inside {counts.inside}")
    return "  ".join(parts)


def _bounds(region: Region, lw: int) -> tuple[int, int, int, int]:
    """The region's bounding box, grown by its line's half-width (the line is 2 lw)."""
    pts = np.round(np.array(region.points)).astype(int)
    (x0, y0), (x1, y1) = pts.min(axis=0).tolist(), pts.max(axis=0).tolist()
    return x0, y0 - lw, x1, y1 + lw


def _text_metrics(lw: int) -> tuple[float, int]:
    return lw / 3, max(lw - 1, 1)


def _place(texts: Sequence[str], boxes: Sequence[tuple[int, ...]], frame: tuple[int, int],
           taken: Sequence[Rect], lw: int) -> list[Label | None]:
    scale, thickness = _text_metrics(lw)
    metrics = [cv2.getTextSize(t, FONT, scale, thickness) for t in texts]
    sizes = [(w + 2, h + base + 2) for (w, h), base in metrics]
    anchors = [(b[0], b[1], b[2], b[3]) for b in boxes]
    rects = layout_labels(anchors, sizes, frame, taken)
    return [None if r is None else Label(t, r, (r.x0 + 1, r.y1 - 1 - base))
            for t, r, (_, base) in zip(texts, rects, metrics, strict=True)]


def _paint(image: np.ndarray, label: Label, bg: tuple[int, ...], lw: int) -> None:
    scale, thickness = _text_metrics(lw)
    r = label.rect
    cv2.rectangle(image, (r.x0, r.y0), (r.x1 - 1, r.y1 - 1), bg, -1)
    fg = PANEL_FG if bg == PANEL_BG else LABEL_FG
    cv2.putText(image, label.text, label.origin, FONT, scale, fg, thickness, cv2.LINE_AA)


def _panel_labels(image: np.ndarray, classwise: Mapping[str, Mapping[str, int]],
                  options: DrawOptions, lw: int) -> list[Label]:
    """The counts panel at the top right: one line per class that has counts."""
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
        return []
    scale, thickness = _text_metrics(lw)
    sizes = [cv2.getTextSize(t, FONT, scale, thickness)[0] for t in lines]
    margin = lw * 2
    box_w = max(w for w, _ in sizes) + 2 * margin
    x = max(image.shape[1] - box_w - margin, 0)
    y = margin
    out = []
    for text, (_, h) in zip(lines, sizes, strict=True):
        rect = Rect(x, y, min(x + box_w, image.shape[1]), min(y + h + 2 * margin,
                                                                image.shape[0]))
        out.append(Label(text, rect, (x + margin, y + h + margin)))
        y += h + 3 * margin
    return out
