"""Which detector runs, and why: the model catalogue and the words the page shows.

A loaded YOLO model is a *prototype*: `heatmap_core.Heatmap` deep-copies it, so two
analyses never share tracker state. Loading goes through a `Loader` passed in (the app
passes a process-wide cached one, see `dashboard.runtime.loaded_model`), so nothing here
loads the same weights twice or needs Streamlit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.common.text import SETTINGS_PLACE
from dashboard.sessions.storage import safe_filename
from heatmap_core import DEFAULT_WEIGHTS, ModelLoadError, load_model

__all__ = ["AUTO", "DEFAULT_YOLO", "MOTION", "UPLOADED", "LoadedModel", "Loader", "ModelSpec",
           "heatmap_model", "load_prototype", "on_this_server", "resolve_model",
           "save_weights", "worker_weights"]

AUTO = "auto"
MOTION = "motion"
UPLOADED = "uploaded"
DEFAULT_YOLO = DEFAULT_WEIGHTS
MOTION_CLASSES = ("object",)


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
class LoadedModel:
    """A loaded prototype, or why the weights could not be loaded."""

    prototype: Any | None
    error: str | None


Loader = Callable[[str], LoadedModel]


def load_prototype(weights: str) -> LoadedModel:
    """Load `weights` once; a failure is a value, so a cache keeps it too (an offline
    server should not retry a download on every rerun)."""
    try:
        return LoadedModel(load_model(weights), None)
    except ModelLoadError as error:
        return LoadedModel(None, str(error))


def resolve_model(choice: str, load: Loader, uploaded: Path | None = None,
                  uploaded_name: str = "") -> ModelSpec:
    """The model for a sidebar choice; raises ModelLoadError (with what to do in the
    dashboard) if it cannot load. `choice` is AUTO, MOTION, UPLOADED or an official
    name. Uploaded weights that do not load are deleted: nothing is kept of them."""
    if choice == MOTION:
        return ModelSpec(MOTION, "Motion detector", "You chose the built-in motion detector: "
                         "it needs no weights and finds anything that moves against a fixed "
                         "camera's background (one class, \"object\").", MOTION_CLASSES)
    if choice == AUTO:
        loaded = load(DEFAULT_YOLO)
        if loaded.prototype is not None:
            return _yolo_spec(DEFAULT_YOLO, "YOLO11n", loaded.prototype,
                              "Auto: YOLO11n's weights are available, so YOLO11n runs.",
                              DEFAULT_YOLO)
        return ModelSpec(MOTION, "Motion detector",
                         "Auto: YOLO11n's weights (yolo11n.pt) are not on this server and "
                         "could not be downloaded, so the built-in motion detector runs. It "
                         "needs no weights and works best on fixed cameras. To use YOLO, "
                         f"upload a weights file in {SETTINGS_PLACE}.", MOTION_CLASSES)
    if choice == UPLOADED:
        if uploaded is None:
            raise ModelLoadError(f"Upload a YOLO weights file (.pt) in {SETTINGS_PLACE}, or "
                                 "choose another model.")
        shown = uploaded_name or uploaded.name
        loaded = load(str(uploaded))
        if loaded.prototype is None:
            uploaded.unlink(missing_ok=True)
            raise ModelLoadError((loaded.error or "").replace(str(uploaded), shown)
                                 + " Upload a YOLO detection weights file (.pt), or choose "
                                 "the motion detector.")
        return _yolo_spec(str(uploaded), f"Uploaded weights ({shown})", loaded.prototype,
                          f"You uploaded {shown}.", safe_filename(shown))
    loaded = load(choice)
    if loaded.prototype is None:
        raise ModelLoadError(f"{choice} is not on this server and could not be downloaded "
                             "(the server may have no internet). Download it on a computer "
                             "with internet (github.com/ultralytics/assets/releases), then "
                             "choose \"Upload YOLO weights\" in Model and upload it; or "
                             "choose the motion detector, which needs no weights.")
    return _yolo_spec(choice, choice, loaded.prototype, f"You chose {choice}.", choice)


def heatmap_model(spec: ModelSpec, load: Loader) -> Any:
    """What `Heatmap(model=...)` takes for this spec: "motion" or the loaded prototype
    (which Heatmap copies)."""
    if spec.is_motion:
        return MOTION
    loaded = load(spec.weights)
    if loaded.prototype is None:
        raise ModelLoadError(loaded.error or f"{spec.weights} could not be loaded")
    return loaded.prototype


def worker_weights(spec: ModelSpec) -> str:
    """The weights as a worker on another process loads them: a file found from here
    becomes its absolute path (a worker's folder is not this server's); a name stays."""
    path = Path(spec.weights)
    return str(path.resolve()) if not spec.is_motion and path.is_file() else spec.weights


def on_this_server(weights: str) -> bool:
    """Whether official weights are already here (beside the app, or in Ultralytics'
    weights folder), so they load without a download."""
    if Path(weights).is_file():
        return True
    from ultralytics.utils import SETTINGS  # loaded already: Auto tried yolo11n.pt

    return (Path(SETTINGS["weights_dir"]) / weights).is_file()


def save_weights(data: bytes, folder: Path) -> Path:
    """Store uploaded weights in `folder` under their content hash: the same file is
    loaded once."""
    digest = hashlib.sha256(data).hexdigest()[:24]
    path = folder / f"{digest}.pt"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def _yolo_spec(weights: str, label: str, prototype: Any, why: str, name: str) -> ModelSpec:
    names = tuple(str(n) for _, n in sorted(dict(prototype.names).items()))
    return ModelSpec(weights, label, f"{why} It knows {len(names)} classes.", names, name)
