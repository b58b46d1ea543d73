"""What the sidebar decides about an analysis, as one frozen value, and the Heatmap it
makes. Shared by every feature that analyses (uploads, the live webcam, cameras)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.analysis.models import Loader, ModelSpec, heatmap_model
from heatmap_core import DEFAULT_TRACKER, Heatmap, Region

__all__ = ["DEFAULT_COLORMAP", "AnalysisSettings"]

DEFAULT_COLORMAP = "inferno"


@dataclass(frozen=True)
class AnalysisSettings:
    """Everything the sidebar decides about a run, except the video and the region."""

    model: ModelSpec | None  # None when the chosen model cannot load (see model_error)
    model_error: str | None
    colormap: str = DEFAULT_COLORMAP
    classes: tuple[str, ...] = ()  # empty: every class
    conf: float = 0.25
    iou: float = 0.7
    tracker: str = DEFAULT_TRACKER
    opacity: float = 0.5
    decay_s: float | None = None  # heat half-life; None keeps all heat
    stride: int = 1
    engine: str = "pytorch"

    def heatmap_options(self) -> dict[str, Any]:
        """Keyword arguments for `heatmap_core.Heatmap`, except model and region."""
        return dict(colormap=self.colormap, classes=list(self.classes) or None,
                    conf=self.conf, iou=self.iou, tracker=self.tracker,
                    opacity=self.opacity, decay=self.decay_s, verbose=False,
                    engine="pytorch" if self.model and self.model.is_motion else self.engine)

    def build_heatmap(self, regions: Sequence[Region], load: Loader,
                      cache_dir: Path | None = None) -> Heatmap:
        """A new Heatmap with its own copy of the model (engines exported into
        `cache_dir`). ValueError for settings the core refuses, ModelLoadError for a
        model that cannot load."""
        if self.model is None:
            raise ValueError(self.model_error or "no model can run")
        return Heatmap(model=heatmap_model(self.model, load), regions=list(regions) or None,
                       model_name=self.model.name, cache_dir=cache_dir,
                       **self.heatmap_options())

    def record(self, regions: Sequence[Region]) -> dict[str, Any]:
        """The settings a run was made with, as plain JSON for the run store."""
        return {
            "model": self.model.name if self.model else None,
            "classes": list(self.classes),
            "regions": [dict(region.to_dict(), kind=region.kind) for region in regions],
            "colormap": self.colormap, "conf": self.conf, "iou": self.iou,
            "tracker": self.tracker, "decay_s": self.decay_s,
            "opacity": self.opacity, "stride": self.stride, "engine": self.engine,
        }
