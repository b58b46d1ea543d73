"""The public surface changes only on purpose, and the core never imports a UI."""

from __future__ import annotations

import os
import subprocess
import sys

import heatmap_core
import run_store


def test_the_public_names_are_pinned():
    assert sorted(heatmap_core.__all__) == sorted([
        "COLORMAPS", "DEFAULT_TRACKER", "DEFAULT_WEIGHTS", "ENGINES", "EVENT_COLUMNS",
        "OUTPUT_FILES", "SERIES_COLUMNS", "TRACKERS", "CountEvent", "CountSeries", "Detector",
        "DwellRecord", "H264Writer", "HeatAccumulator", "HeatOverlay", "Heatmap",
        "HeatmapResults", "LineCounter", "ModelLoadError", "MotionDetector", "Mover",
        "Progress", "Region", "RegionClippedWarning", "RegionCounter", "RegionCounts",
        "RunSummary", "Scene",
        "ScriptedDetector", "SeriesBin", "Tracks", "VideoError", "VideoInfo", "VideoReader",
        "YoloDetector", "ZoneCounter", "analyse_video", "colorize", "colormap_name",
        "is_official_name", "load_detector", "load_model", "make_counter", "model_names",
        "normalize_heat",
        "official_weights", "open_video", "overlay", "parse_points", "parse_regions",
        "resolve_classes", "resolve_colormap", "sample_scene", "save_snapshot",
    ])
    for name in heatmap_core.__all__:
        assert hasattr(heatmap_core, name)


def test_importing_the_core_loads_no_ui_and_no_torch():
    code = ("import sys, heatmap_core; "
            "print(sorted(m for m in ('streamlit', 'plotly', 'torch', 'ultralytics') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"


def test_importing_the_core_and_the_run_store_changes_no_environment_variable():
    # cv2 sets LD_LIBRARY_PATH (and Qt's variables) when imported: that is OpenCV's
    # doing, so the libraries come first and only our own modules are measured.
    code = ("import os, cv2, av, numpy, sqlalchemy; before = dict(os.environ); "
            "import heatmap_core, run_store; "
            "print(sorted(k for k in before.keys() | os.environ.keys() "
            "if before.get(k) != os.environ.get(k)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items()
                               if k not in ("OPENCV_FFMPEG_LOGLEVEL", "YOLO_AUTOINSTALL")})
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_the_column_lists_have_one_owner():
    assert run_store.EVENT_COLUMNS is heatmap_core.EVENT_COLUMNS
    assert run_store.SERIES_COLUMNS is heatmap_core.SERIES_COLUMNS
