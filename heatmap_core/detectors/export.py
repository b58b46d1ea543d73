"""Faster engines: YOLO weights exported to ONNX Runtime or OpenVINO on first use, cached.

An export depends on the weights' bytes, the engine, the input size and precision, so
the cache key is made of exactly those; a second analysis (or a second user) with the
same settings reuses the export. Exports are built in a temporary folder and renamed
into place, so two processes exporting at once never see half a model. The cache
folder is always passed in (`default_cache_dir()` when the caller has no opinion):
nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import warnings
from pathlib import Path

from heatmap_core.detectors.errors import ModelLoadError
from heatmap_core.detectors.ultralytics_setup import (
    first_line,
    quiet_ultralytics,
    yolo_class,
)

__all__ = ["ENGINES", "default_cache_dir", "export_model"]

ENGINES = ("pytorch", "onnx", "openvino")
_FORMATS = {"onnx": ("onnx", "model.onnx"), "openvino": ("openvino", "model_openvino_model")}


def default_cache_dir() -> Path:
    """Where exports live unless a caller says otherwise: ~/.cache/heatmap_core."""
    return Path.home() / ".cache" / "heatmap_core"


def export_model(weights: str | Path, engine: str, imgsz: int | tuple[int, int] = 640,
                 half: bool = False, cache_dir: str | Path | None = None) -> Path:
    """The path of `weights` exported for `engine` under `cache_dir` (default
    `default_cache_dir()`), made now if not cached yet. `imgsz` is the input's side,
    or its (height, width)."""
    if engine not in _FORMATS:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    source = Path(weights)
    if source.suffix != ".pt" or not source.is_file():
        raise ModelLoadError(f"the {engine} engine needs PyTorch weights (.pt) to export "
                             f"from, not {source.name}")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    fmt, produced = _FORMATS[engine]
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    size = f"{imgsz[0]}x{imgsz[1]}" if isinstance(imgsz, tuple) else str(imgsz)
    target = root / "exports" / f"{digest}-{engine}-{size}{'-half' if half else ''}"
    if (target / produced).exists():
        return target / produced
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        yolo = yolo_class()
        shutil.copyfile(source, work / "model.pt")
        with warnings.catch_warnings(), quiet_ultralytics():  # noise the user cannot act on
            warnings.simplefilter("ignore")
            shape = list(imgsz) if isinstance(imgsz, tuple) else imgsz
            yolo(str(work / "model.pt")).export(format=fmt, imgsz=shape, verbose=False,
                                                **({"quantize": 16} if half else {}))
        (work / "model.pt").unlink()
        try:
            work.rename(target)
        except OSError:  # another process finished the same export first
            shutil.rmtree(work, ignore_errors=True)
    except Exception as error:
        shutil.rmtree(work, ignore_errors=True)
        raise ModelLoadError(f"could not export {source.name} for {engine} "
                             f"({first_line(error)[:200]})") from None
    return target / produced
