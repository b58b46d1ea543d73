"""The public surface changes only on purpose, and the core never imports a UI."""

from __future__ import annotations

import subprocess
import sys

import heatmap_core


def test_the_public_names_are_pinned():
    assert sorted(heatmap_core.__all__) == sorted([
        "COLORMAPS", "OUTPUT_FILES", "CountEvent", "CountSeries", "Detector", "DwellRecord",
        "H264Writer", "HeatAccumulator", "HeatOverlay", "Heatmap", "HeatmapResults", "LineCounter",
        "ModelLoadError", "MotionDetector", "Mover", "Progress", "Region", "RegionCounter",
        "RegionClippedWarning", "RegionCounts", "RunSummary", "Scene", "ScriptedDetector",
        "SeriesBin", "Tracks",
        "VideoError", "VideoInfo", "VideoReader", "YoloDetector", "ZoneCounter",
        "analyse_video", "colorize", "colormap_name", "is_official_name", "load_detector",
        "load_model", "make_counter", "model_names", "open_video", "overlay", "parse_points",
        "parse_regions", "resolve_classes", "resolve_colormap", "sample_scene", "save_snapshot",
    ])
    for name in heatmap_core.__all__:
        assert hasattr(heatmap_core, name)


def test_importing_the_core_loads_no_ui_and_no_torch():
    code = ("import sys, heatmap_core; "
            "print(sorted(m for m in ('streamlit', 'plotly', 'torch', 'ultralytics') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
