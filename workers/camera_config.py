"""CameraConfig: what the user sets for a camera, and the Heatmap it makes.

Invariants: a config is validated when made (address, regions, model name, options,
alert rules naming its own regions, the webhook's address), so a bad one is a
ValueError with one line before anything is stored or started; `to_settings()` is
plain JSON and `from_record` reads it back unchanged; neither the URL nor the webhook
(both may hold a secret) appears in `repr`. `build_heatmap` makes a new Heatmap (and
so a new model) per call: no two analyses ever share a YOLO model or its tracker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from heatmap_core import Heatmap, Region, parse_regions
from run_store import CameraRecord
from workers.alert_rules import AlertRule
from workers.stream_source import StreamError, check_source
from workers.webhook import check_webhook

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
    alerts: tuple[AlertRule, ...] = ()  # see workers.alert_rules
    webhook: str | None = field(default=None, repr=False)  # alerts POSTed here as JSON

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
        _check_alerts(self.alerts, self.regions)
        object.__setattr__(self, "alerts", tuple(self.alerts))
        if self.webhook is not None and str(self.webhook).strip():
            object.__setattr__(self, "webhook", check_webhook(self.webhook))
        else:
            object.__setattr__(self, "webhook", None)

    def to_settings(self) -> dict[str, Any]:
        return {"model": self.model, "regions": [r.to_dict() for r in self.regions],
                "rtsp_transport": self.rtsp_transport, "options": dict(self.options),
                "alerts": [a.to_dict() for a in self.alerts], "webhook": self.webhook}

    @classmethod
    def from_record(cls, record: CameraRecord) -> CameraConfig:
        settings = record.settings
        return cls(name=record.name, url=record.url, model=settings.get("model", "motion"),
                   regions=tuple(Region.from_dict(r) for r in settings.get("regions", [])),
                   rtsp_transport=settings.get("rtsp_transport", "tcp"),
                   options=dict(settings.get("options", {})),
                   alerts=tuple(AlertRule.from_dict(a) for a in settings.get("alerts", [])),
                   webhook=settings.get("webhook"))


def _check_alerts(alerts: tuple[AlertRule, ...], regions: tuple[Region, ...]) -> None:
    """Each rule names a region of this camera; occupancy needs a zone."""
    kinds = {r.name: r.kind for r in regions}
    for rule in alerts:
        if not isinstance(rule, AlertRule):
            raise ValueError("alert rules are AlertRule values (see workers.alert_rules)")
        if rule.region is None:
            continue
        if rule.region not in kinds:
            named = ", ".join(sorted(kinds)) or "none"
            raise ValueError(f"alert '{rule.describe()}': the camera has no region named "
                             f"{rule.region!r} (its regions: {named})")
        if rule.kind == "occupancy" and kinds[rule.region] != "zone":
            raise ValueError(f"alert '{rule.describe()}': {rule.region!r} is a line; "
                             "occupancy is measured in a zone")


def build_heatmap(config: CameraConfig, cache_dir: str | None = None) -> Heatmap:
    """A new Heatmap for the camera, with its own detector (never shared). `cache_dir`
    is where ONNX / OpenVINO exports of YOLO weights are kept (engine option)."""
    return Heatmap(model=config.model, regions=config.regions or None, verbose=False,
                   cache_dir=cache_dir, **config.options)
