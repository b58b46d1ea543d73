"""heatmap_core: video heatmaps and line/zone counting, a drop-in for Ultralytics'
`solutions.Heatmap`. Pure Python; imports no UI toolkit.

    >>> from heatmap_core import Heatmap
    >>> heatmap = Heatmap(model="motion", colormap="inferno", region=[(0, 200), (640, 200)])
    >>> results = heatmap(frame)  # results.plot_im, results.in_count, results.out_count
"""

from heatmap_core.accumulator import HeatAccumulator, normalize_heat
from heatmap_core.analysis import (
    EVENT_COLUMNS,
    OUTPUT_FILES,
    SERIES_COLUMNS,
    Progress,
    RunSummary,
    analyse_video,
    save_snapshot,
)
from heatmap_core.colormaps import COLORMAPS, colormap_name, resolve_colormap
from heatmap_core.counting import LineCounter, RegionCounter, ZoneCounter, make_counter
from heatmap_core.detectors import (
    DEFAULT_TRACKER,
    DEFAULT_WEIGHTS,
    ENGINES,
    TRACKERS,
    Detector,
    ModelLoadError,
    MotionDetector,
    ScriptedDetector,
    YoloDetector,
    is_official_name,
    load_detector,
    load_model,
    model_names,
    official_weights,
    resolve_classes,
)
from heatmap_core.overlay import HeatOverlay, colorize, overlay
from heatmap_core.pipeline import Heatmap, HeatmapResults
from heatmap_core.regions import Region, RegionClippedWarning, parse_points, parse_regions
from heatmap_core.scene import Mover, Scene, sample_scene
from heatmap_core.series import CountSeries, SeriesBin
from heatmap_core.types import CountEvent, DwellRecord, RegionCounts, Tracks
from heatmap_core.video import H264Writer, VideoError, VideoInfo, VideoReader, open_video

__all__ = [
    "COLORMAPS", "DEFAULT_TRACKER", "DEFAULT_WEIGHTS", "ENGINES", "EVENT_COLUMNS",
    "OUTPUT_FILES", "SERIES_COLUMNS", "TRACKERS", "CountEvent", "CountSeries", "Detector",
    "DwellRecord", "H264Writer", "HeatAccumulator", "HeatOverlay", "Heatmap", "HeatmapResults",
    "LineCounter", "ModelLoadError", "MotionDetector", "Mover", "Progress", "Region",
    "RegionClippedWarning", "RegionCounter", "RegionCounts", "RunSummary", "Scene",
    "ScriptedDetector", "SeriesBin", "Tracks", "VideoError", "VideoInfo", "VideoReader",
    "YoloDetector", "ZoneCounter",
    "analyse_video", "colorize", "colormap_name", "is_official_name", "load_detector",
    "load_model", "make_counter", "model_names", "normalize_heat", "official_weights", "open_video",
    "overlay",
    "parse_points", "parse_regions", "resolve_classes", "resolve_colormap", "sample_scene",
    "save_snapshot",
]
__version__ = "0.1.0"
