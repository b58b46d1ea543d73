"""Which detector runs: loaded once per process, shared safely, explained to the user.

A loaded YOLO model is cached as a *prototype*: `Heatmap` deep-copies it, so sessions
never share tracker state. Nothing here runs the prototype itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from components.storage import data_dir, safe_filename
from heatmap_core import ModelLoadError, is_official_name, load_model

AUTO = "auto"
MOTION = "motion"
UPLOADED = "uploaded"
DEFAULT_YOLO = "yolo11n.pt"


def official_names() -> tuple[str, ...]:
    """The official detection weights Ultralytics can download, YOLO11 first."""
    candidates = [f"yolo{family}{size}.pt" for family in ("11", "26", "12", "v8", "v10", "v9")
                  for size in ("n", "s", "m", "l", "x", "b", "c", "e", "t")]
    return tuple(n for n in candidates if is_official_name(n))


@dataclass(frozen=True)
class ModelSpec:
    """The detector a run uses, and why: what the page tells the user."""

    weights: str  # "motion", an official name or a local weights path
    label: str
    reason: str
    class_names: tuple[str, ...]
    name: str = MOTION  # what summary.json calls it: never a server path

    @property
    def is_motion(self) -> bool:
        return self.weights == MOTION


@dataclass(frozen=True)
class _Loaded:
    prototype: Any | None
    error: str | None


@st.cache_resource(show_spinner="Loading the model…", max_entries=8)
def _load(weights: str) -> _Loaded:
    # Failures are cached too: an offline server should not retry a download on
    # every rerun. Restart the app after adding weights.
    try:
        return _Loaded(load_model(weights), None)
    except ModelLoadError as error:
        return _Loaded(None, str(error))


def resolve_model(choice: str, uploaded: Path | None = None,
                  uploaded_name: str = "") -> ModelSpec:
    """The model for a sidebar choice; raises ModelLoadError (with the fix) if it
    cannot load. `choice` is AUTO, MOTION, UPLOADED or an official name."""
    if choice == MOTION:
        return ModelSpec(MOTION, "Motion detector", "You chose the built-in motion detector: "
                         "it needs no weights and finds anything that moves against a fixed "
                         "camera's background (one class, \"object\").", ("object",))
    if choice == AUTO:
        loaded = _load(DEFAULT_YOLO)
        if loaded.prototype is not None:
            return _yolo_spec(DEFAULT_YOLO, "YOLO11n", loaded.prototype,
                              "Auto: YOLO11n's weights are available, so YOLO11n runs.",
                              DEFAULT_YOLO)
        return ModelSpec(MOTION, "Motion detector",
                         "Auto: YOLO11n's weights (yolo11n.pt) are not on this server and "
                         "could not be downloaded, so the built-in motion detector runs. It "
                         "needs no weights and works best on fixed cameras. To use YOLO, "
                         "upload a weights file in the sidebar.", ("object",))
    if choice == UPLOADED:
        if uploaded is None:
            raise ModelLoadError("Upload a YOLO weights file (.pt) in the sidebar, or choose "
                                 "another model.")
        loaded = _load(str(uploaded))
        label = f"Uploaded weights ({uploaded_name or uploaded.name})"
        if loaded.prototype is None:
            raise ModelLoadError(_for_upload(loaded.error or "", uploaded, uploaded_name))
        return _yolo_spec(str(uploaded), label, loaded.prototype,
                          f"You uploaded {uploaded_name or uploaded.name}.",
                          safe_filename(uploaded_name or uploaded.name))
    loaded = _load(choice)
    if loaded.prototype is None:
        raise ModelLoadError(f"{loaded.error} In this app: choose \"Upload YOLO weights\" "
                             "and upload the file, or choose the motion detector.")
    return _yolo_spec(choice, choice, loaded.prototype, f"You chose {choice}.", choice)


def heatmap_model(spec: ModelSpec) -> Any:
    """What `Heatmap(model=...)` takes for this spec: "motion" or the cached prototype
    (which Heatmap copies)."""
    if spec.is_motion:
        return MOTION
    loaded = _load(spec.weights)
    if loaded.prototype is None:
        raise ModelLoadError(loaded.error or f"{spec.weights} could not be loaded")
    return loaded.prototype


def save_weights(data: bytes) -> Path:
    """Store uploaded weights under their content hash: the same file is loaded once."""
    digest = hashlib.sha256(data).hexdigest()[:24]
    path = data_dir() / "models" / f"{digest}.pt"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def _yolo_spec(weights: str, label: str, prototype: Any, why: str, name: str) -> ModelSpec:
    names = tuple(str(n) for _, n in sorted(dict(prototype.names).items()))
    return ModelSpec(weights, label, f"{why} It knows {len(names)} classes.", names, name)


def _for_upload(error: str, path: Path, name: str) -> str:
    shown = name or path.name
    return (error.replace(str(path), shown)
            + " Upload a YOLO detection weights file (.pt), or choose the motion detector.")
