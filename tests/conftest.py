"""Shared fixtures: real footage (skipped when absent), rendered scenes, YOLO weights, a
PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from heatmap_core import Mover, Scene
from tests.postgres_cluster import PostgresServer, start_postgres_server

REPO = Path(__file__).resolve().parent.parent
# Real footage for the tests that need it: $HEATMAP_TEST_FOOTAGE, else the app's sample
# video setting, else shared/media/vtest.mp4 beside the repository.
VTEST = Path(os.environ.get("HEATMAP_TEST_FOOTAGE") or os.environ.get("HEATMAP_SAMPLE_VIDEO")
             or REPO.parent / "shared" / "media" / "vtest.mp4")


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """The app reads its settings once per process; each test sets its own environment,
    so each starts with none read."""
    yield
    runtime = sys.modules.get("dashboard.runtime")
    if runtime is not None:
        runtime.settings.clear()


@pytest.fixture(scope="session")
def vtest() -> Path:
    """Real pedestrian footage: 480x360, 10 fps, 795 frames. Tests that need it skip
    without it: set HEATMAP_TEST_FOOTAGE to its path, or place the repository beside a
    `shared/media/vtest.mp4` (README: Tests)."""
    if not VTEST.exists():
        pytest.skip(f"real footage not found at {VTEST}: set HEATMAP_TEST_FOOTAGE to "
                    "vtest.mp4 (PETS 2009 S2.L1, see README: Tests)")
    return VTEST


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pedestrian footage of vtest's shape (480x360, 10 fps): vtest itself when present,
    else a rendered street where people walk down and up across the middle at staggered
    times, and some across the street. For tests that need video of walking people, not the
    real camera's quirks."""
    if VTEST.exists():
        return VTEST
    people = []
    for i in range(12):
        x = 40 + (i * 37) % 400
        down = i % 2 == 0
        start, end = ((x, -40), (x + 20, 400)) if down else ((x, 400), (x - 20, -40))
        people.append(Mover((start, end), start_frame=i * 12, frames_per_leg=45 + i % 3 * 10,
                            size=(22, 50), color=(40 + i * 15, 60, 200 - i * 10)))
    for i in range(4):  # and some cross the street, left to right and back
        y = 120 + i * 50
        start, end = ((-30, y), (510, y + 10)) if i % 2 == 0 else ((510, y), (-30, y - 10))
        people.append(Mover((start, end), start_frame=20 + i * 40, frames_per_leg=60,
                            size=(22, 50), color=(200, 60 + i * 30, 40)))
    scene = Scene(480, 360, 10.0, 240, movers=tuple(people))
    return scene.write(tmp_path_factory.mktemp("footage") / "street.mp4")


def _save_yolo11n(path: Path, eager: bool) -> Path:
    import torch
    from ultralytics import YOLO
    from ultralytics.utils import YAML
    from ultralytics.utils.checks import check_yaml

    torch.manual_seed(0)
    model = YOLO("yolo11n.yaml")
    model.model.names = YAML.load(check_yaml("coco.yaml"))["names"]  # as yolo11n.pt has
    if eager:  # biases that make every anchor a confident person (0) or car (2)
        for branch in model.model.model[-1].cv3:
            with torch.no_grad():
                branch[-1].bias[:] = -10.0
                branch[-1].bias[0] = 4.0
                branch[-1].bias[2] = 3.0
    torch.save({"model": model.model, "train_args": {}, "date": None, "version": "test"}, path)
    return path


@pytest.fixture(scope="session")
def yolo_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real YOLO11n checkpoint with random weights, built from the yaml (no download).
    It detects (almost) nothing."""
    return _save_yolo11n(tmp_path_factory.mktemp("weights") / "random-yolo11n.pt", False)


@pytest.fixture(scope="session")
def eager_yolo_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random YOLO11n whose class biases make it detect boxes everywhere, so the whole
    ultralytics detect + track path produces real tracks."""
    return _save_yolo11n(tmp_path_factory.mktemp("weights") / "eager-yolo11n.pt", True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for the whole test session (skipped, saying why,
    where the server binaries are missing)."""
    yield from start_postgres_server()


_databases = itertools.count()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh PostgreSQL database for this test alone."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    with postgres_server.admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    with postgres_server.admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (a store's own SQLite file in its data folder), or a fresh PostgreSQL
    database for this test alone (`postgres_url`): every store test runs on both."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def crossing_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 320x240 clip in which three objects walk down across the middle."""
    scene = Scene(320, 240, 10.0, 70, movers=tuple(
        Mover(((x, -30), (x, 270)), start_frame=start, frames_per_leg=30)
        for x, start in ((80, 5), (170, 15), (250, 30))))
    return scene.write(tmp_path_factory.mktemp("video") / "crossing.mp4").read_bytes()


@pytest.fixture(scope="session")
def long_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 160x120 clip of 3000 frames: long enough to stop part-way."""
    scene = Scene(160, 120, 10.0, 3000, movers=(Mover(((80, -30), (80, 150)),
                                                      frames_per_leg=40),))
    return scene.write(tmp_path_factory.mktemp("video") / "long.mp4").read_bytes()
