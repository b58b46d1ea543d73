"""Reading the folder `heatmap_core.analyse_video` writes, checked before anything is
saved: a folder that is not a whole analysis is refused, not stored in pieces."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from heatmap_core import EVENT_COLUMNS, OUTPUT_FILES, SERIES_COLUMNS
from run_store.errors import IncompleteRun

__all__ = ["EVENT_COLUMNS", "SAVED_FILES", "SERIES_COLUMNS", "THUMBNAIL_WIDTH",
           "AnalysisFolder"]

SAVED_FILES = tuple(OUTPUT_FILES.values())  # what a run may hold, kept for download
VIDEO_FILE = OUTPUT_FILES["annotated_video"]  # absent from live runs: summary.json says

_EVENT_TYPES: tuple[Callable[[str], Any], ...] = (int, float, int, str, str, str)
_SERIES_TYPES: tuple[Callable[[str], Any], ...] = (float, int, int, int, int)
THUMBNAIL_WIDTH = 320
_SUMMARY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "source": str, "partial": bool, "in_count": int, "out_count": int, "total_tracks": int,
}


@dataclass(frozen=True)
class AnalysisFolder:
    """One finished (or stopped) analysis, read and checked: what goes in the row."""

    path: Path
    files: tuple[str, ...]
    summary: dict[str, Any]
    events: list[list[Any]]
    series: list[list[Any]]
    heatmap_npz: bytes
    thumbnail_jpeg: bytes

    @classmethod
    def read(cls, path: str | Path) -> AnalysisFolder:
        """Raises IncompleteRun when summary.json (written last) is missing, or any
        output file it lists is missing or unreadable. The annotated video is required
        only when the summary lists it (a live session's run has none)."""
        path = Path(path)
        if not path.is_dir():
            raise IncompleteRun(f"no analysis folder at {path}")
        summary_path = path / OUTPUT_FILES["summary_json"]
        if not summary_path.is_file():
            raise IncompleteRun(f"{path} has no {summary_path.name}: the analysis is "
                                "half-written (still running, or its writer stopped)")
        try:
            summary = _summary(summary_path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IncompleteRun(f"{path} holds a damaged analysis: {error}") from error
        listed = set(summary.get("files", {}).values()) if isinstance(
            summary.get("files"), dict) else set(SAVED_FILES)
        files = tuple(n for n in SAVED_FILES if n != VIDEO_FILE or VIDEO_FILE in listed)
        missing = [name for name in files if not (path / name).is_file()]
        if missing:
            raise IncompleteRun(f"{path} lacks {', '.join(missing)}")
        try:
            return cls(path, files, summary,
                       _table(path / OUTPUT_FILES["events_csv"], EVENT_COLUMNS, _EVENT_TYPES),
                       _table(path / OUTPUT_FILES["series_csv"], SERIES_COLUMNS, _SERIES_TYPES),
                       _compressed_heatmap(path / OUTPUT_FILES["heatmap_npy"]),
                       _thumbnail(path / OUTPUT_FILES["heatmap_png"]))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IncompleteRun(f"{path} holds a damaged analysis: {error}") from error


def _summary(path: Path) -> dict[str, Any]:
    summary = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(summary, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    for key, kind in _SUMMARY_FIELDS.items():
        if not isinstance(summary[key], kind):
            raise TypeError(f"{path.name}: {key} should be {kind}, got {summary[key]!r}")
    return summary


def _table(path: Path, columns: Sequence[str],
           types: Sequence[Callable[[str], Any]]) -> list[list[Any]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != list(columns):
            raise ValueError(f"{path.name} has columns {header}, expected {list(columns)}")
        rows = []
        for row in reader:
            if len(row) != len(columns):
                raise ValueError(f"{path.name} line {reader.line_num}: {len(row)} fields")
            rows.append([parse(value) for parse, value in zip(types, row, strict=True)])
    return rows


def _compressed_heatmap(path: Path) -> bytes:
    heat = np.load(path, allow_pickle=False)
    if heat.ndim != 2:
        raise ValueError(f"{path.name} should be a 2-D array, got shape {heat.shape}")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, heatmap=heat)
    return buffer.getvalue()


def _thumbnail(path: Path) -> bytes:
    """heatmap.png scaled down to THUMBNAIL_WIDTH pixels wide (never up), as JPEG."""
    image = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{path.name} is not a readable image")
    height, width = image.shape[:2]
    if width > THUMBNAIL_WIDTH:
        size = (THUMBNAIL_WIDTH, max(1, round(height * THUMBNAIL_WIDTH / width)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("could not encode the thumbnail")
    return jpeg.tobytes()
