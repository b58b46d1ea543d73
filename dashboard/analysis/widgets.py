"""The sidebar's analysis settings: model, classes, colormap, detection and heat options.

Independent of any one page (uploads, the live webcam and cameras use it): it reads
widgets and returns a frozen `AnalysisSettings`; it starts nothing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import streamlit as st

from dashboard import runtime
from dashboard.analysis.models import (
    AUTO,
    MOTION,
    UPLOADED,
    ModelSpec,
    on_this_server,
    resolve_model,
    save_weights,
)
from dashboard.analysis.settings import DEFAULT_COLORMAP, AnalysisSettings
from dashboard.common.text import SETTINGS_PLACE
from heatmap_core import (
    COLORMAPS,
    DEFAULT_TRACKER,
    ENGINES,
    TRACKERS,
    ModelLoadError,
    colorize,
    official_weights,
)

__all__ = ["ENGINE_LABELS", "TRACKER_LABELS", "colormap_swatch", "model_banner",
           "sidebar_settings"]

ENGINE_LABELS = {"pytorch": "PyTorch", "openvino": "OpenVINO (faster on CPUs)",
                 "onnx": "ONNX Runtime"}
TRACKER_LABELS = {DEFAULT_TRACKER: f"{DEFAULT_TRACKER} (default)"}


def colormap_swatch(name: str, width: int = 256, height: int = 14) -> npt.NDArray[np.uint8]:
    """A horizontal strip of the colormap, from no heat (left) to most heat (right), RGB."""
    ramp = np.tile(np.linspace(0, 255, width).astype(np.uint8), (height, 1))
    return colorize(ramp, COLORMAPS[name])[:, :, ::-1]


def sidebar_settings(key: str) -> AnalysisSettings:
    """Draw the settings in the sidebar; widget keys start with `key`."""
    with st.sidebar:
        st.header("Settings")
        model, model_error = _model_picker(key)
        yolo_only = model is None or model.is_motion
        yolo_note = " (YOLO models only: the motion detector has no scores)" if yolo_only else ""

        names = model.class_names if model is not None else ()
        classes = st.multiselect(
            "Classes", names, key=f"{key}_classes_{model.weights if model else 'none'}",
            placeholder="All classes", disabled=model is None,
            help="Count and heat only these classes of the model (person, car, ...). Leave "
                 "empty for every class. The motion detector has a single class, 'object'.")

        colormap = st.selectbox(
            "Colormap", tuple(COLORMAPS), index=tuple(COLORMAPS).index(DEFAULT_COLORMAP),
            key=f"{key}_colormap",
            help="How heat is coloured: the strip below goes from no heat (left) to the "
                 "most heat (right). Open 'All colormaps' to compare them.")
        colormap = str(colormap)  # a selectbox with options always has a value
        st.image(colormap_swatch(colormap), width="stretch")
        with st.expander("All colormaps"):
            for name in COLORMAPS:
                st.image(colormap_swatch(name, height=10), caption=name, width="stretch")

        opacity = st.slider(
            "Heatmap opacity", 0.0, 1.0, 0.5, 0.05, key=f"{key}_opacity",
            help="How strongly the heat colours the video where there is heat: 0 shows "
                 "the plain video, 1 only the colours.")
        decay = st.number_input(
            "Heat half-life (s)", min_value=0.0, max_value=3600.0, value=0.0, step=5.0,
            key=f"{key}_decay",
            help="Heat fades by half every this many seconds, so the map shows recent "
                 "activity. 0 keeps all heat: the map covers the whole video.")

        with st.expander("Detection and tracking", expanded=False):
            conf = st.slider(
                "Confidence", 0.05, 0.95, 0.25, 0.05, key=f"{key}_conf", disabled=yolo_only,
                help="Ignore detections the model is less sure of than this" + yolo_note + ".")
            iou = st.slider(
                "IoU", 0.1, 0.95, 0.7, 0.05, key=f"{key}_iou", disabled=yolo_only,
                help="Overlap above which two boxes are taken for one object (non-maximum "
                     "suppression)" + yolo_note + ".")
            tracker = st.selectbox(
                "Tracker", TRACKERS, key=f"{key}_tracker", disabled=yolo_only,
                format_func=lambda name: TRACKER_LABELS.get(name, name),
                help="How YOLO detections are linked into tracks across frames. ByteTrack, "
                     "the default, is fast and tracks exactly the detections above the "
                     "confidence you set; BoT-SORT and Deep OC-SORT follow objects better "
                     "through crowds and crossings; OC-SORT copes with erratic motion; "
                     "FastTrack is the quickest; TrackTrack (Ultralytics' own default) only "
                     "starts tracks from confident detections (0.7). The motion detector "
                     "has its own tracker.")

        st.markdown("**Speed**")
        stride = st.number_input(
            "Faster: analyse every n-th frame", min_value=1, max_value=30, value=1, step=1,
            key=f"{key}_stride",
            help="1 analyses every frame. 2 is about twice as fast and tracks keep their "
                 "ids; on long videos 2 or 3 rarely changes the counts, but very fast "
                 "objects can cross a line between two analysed frames.")
        engine = st.selectbox(
            "Engine", ENGINES, format_func=lambda engine: ENGINE_LABELS.get(engine, engine),
            key=f"{key}_engine", disabled=yolo_only,
            help="What runs the YOLO model. OpenVINO and ONNX Runtime are faster than "
                 "PyTorch on CPUs; the model is converted the first time (a few seconds) "
                 "and the conversion is kept for next time. The motion detector needs none.")

    return AnalysisSettings(model, model_error, colormap, tuple(classes), float(conf),
                            float(iou), str(tracker), float(opacity),
                            float(decay) if decay else None, int(stride), str(engine))


def model_banner(settings: AnalysisSettings, consequence: str = "") -> None:
    """Which model runs and why, or why none can (and what still works)."""
    if settings.model is not None:
        st.info(f"**Model: {settings.model.label}.** {settings.model.reason}",
                icon=":material/memory:")
    else:
        st.error(f"No model can run: {settings.model_error} See {SETTINGS_PLACE}."
                 f"{consequence}")


def _model_picker(key: str) -> tuple[ModelSpec | None, str | None]:
    labels = {AUTO: "Auto: YOLO11n, else motion",
              MOTION: "Motion detector (no weights needed)",
              UPLOADED: "Upload YOLO weights (.pt)…"}
    official = official_weights()
    labels.update({name: name if on_this_server(name) else
                   f"{name} (downloaded on first use: needs internet)" for name in official})
    options = (AUTO, MOTION, *official, UPLOADED)
    choice = st.selectbox(
        "Model", options, key=f"{key}_model", format_func=lambda o: labels.get(o, o),
        help="Auto runs YOLO11n when its weights are on this server or can be downloaded, "
             "else the motion detector. YOLO models find people, cars and 78 other classes; "
             "the motion detector needs no weights and finds anything moving in front of "
             "a fixed camera.")
    uploaded_path = None
    uploaded_name = ""
    if choice == UPLOADED:
        weights = st.file_uploader(
            "Weights file", type=["pt"], key=f"{key}_weights",
            help="A YOLO detection model saved by Ultralytics (.pt), e.g. your own "
                 "trained best.pt.")
        if weights is None:
            message = "Upload a weights file to use your own model."
            st.info(message)
            return None, message
        uploaded_path = save_weights(weights.getvalue(), runtime.data_folders().models)
        uploaded_name = weights.name
    try:
        spec = resolve_model(str(choice), runtime.loaded_model, uploaded_path, uploaded_name)
    except ModelLoadError as error:
        st.error(str(error))
        return None, str(error)
    st.caption(f"**Runs:** {spec.label}")
    return spec, None
