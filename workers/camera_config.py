"""CameraConfig: what the user sets for a camera, and the Heatmap it makes.

Invariants: a config is validated when made (address, regions, model name, options),
so a bad one is a ValueError with one line before anything is stored or started;
`to_settings()` is plain JSON and `from_record` reads it back unchanged; the URL never
appears in `repr`. `build_heatmap` makes a new Heatmap (and so a new model) per call:
no two analyses ever share a YOLO model or its tracker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from heatmap_core import Heatmap, Region, parse_regions
from run_store import CameraRecord
from workers.stream_source import StreamError, check_source

__all__ = ["HEATMAP_OPTIONS", "CameraConfig", "build_heatmap"]

# Heatmap keyword arguments a camera may set (others are fixed for a server-side camera).
HEATMAP_OPTIONS = frozenset({
    "colormap", "conf", "iou", "classes", "imgsz", "max_det", "half", "device", "engine",
    "tracker", "decay", "opacity", "hysteresis", "min_frames", "line_width", "show_boxes",
    "show_labels", "show_conf", "show_in", "show_out"})


@dataclass(frozen=True)
class CameraConfig:
    """A camera: `url` is rtsp://, rtsps://, http(s):// (HLS, MJPEG...) or a local
    camera number ("0"); `regions` as `heatmap_core.parse_regions` reads them."""

    name: str
    url: str = field(repr=False)
    model: str = "motion"
    regions: tuple[Region, ...] = ()
    rtsp_transport: Literal["tcp", "udp"] = "tcp"
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("a camera needs a name")
        try:
            object.__setattr__(self, "url", check_source(self.url))
        except StreamError as error:
            raise ValueError(error.message) from None
        object.__setattr__(self, "regions", parse_regions(self.regions or None))
        if self.rtsp_transport not in ("tcp", "udp"):
            raise ValueError("rtsp_transport is tcp or udp")
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError("a camera needs a model: 'motion' or YOLO weights")
        unknown = sorted(set(self.options) - HEATMAP_OPTIONS)
        if unknown:
            raise ValueError(f"unknown camera options {unknown}; allowed: "
                             f"{sorted(HEATMAP_OPTIONS)}")

    def to_settings(self) -> dict[str, Any]:
        return {"model": self.model, "regions": [r.to_dict() for r in self.regions],
                "rtsp_transport": self.rtsp_transport, "options": dict(self.options)}

    @classmethod
    def from_record(cls, record: CameraRecord) -> CameraConfig:
        settings = record.settings
        return cls(name=record.name, url=record.url, model=settings.get("model", "motion"),
                   regions=tuple(Region.from_dict(r) for r in settings.get("regions", [])),
                   rtsp_transport=settings.get("rtsp_transport", "tcp"),
                   options=dict(settings.get("options", {})))


def build_heatmap(config: CameraConfig, cache_dir: str | None = None) -> Heatmap:
    """A new Heatmap for the camera, with its own detector (never shared). `cache_dir`
    is where ONNX / OpenVINO exports of YOLO weights are kept (engine option)."""
    return Heatmap(model=config.model, regions=config.regions or None, verbose=False,
                   cache_dir=cache_dir, **config.options)
