"""Shared fixtures: real footage (skipped when absent), rendered scenes, YOLO weights."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VTEST = Path(os.environ.get("HEATMAP_SAMPLE_VIDEO", REPO.parent / "shared" / "media" / "vtest.mp4"))


@pytest.fixture(scope="session")
def vtest() -> Path:
    """Real pedestrian footage: 480x360, 10 fps, 795 frames."""
    if not VTEST.exists():
        pytest.skip(f"real footage not found at {VTEST}")
    return VTEST


@pytest.fixture(scope="session")
def yolo_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real YOLO11n checkpoint with random weights, built from the yaml (no download)."""
    import torch
    from ultralytics import YOLO

    model = YOLO("yolo11n.yaml")
    path = tmp_path_factory.mktemp("weights") / "random-yolo11n.pt"
    torch.save({"model": model.model, "train_args": {}, "date": None, "version": "test"}, path)
    return path
