"""WorkerSettings: every value the camera tier needs, in one frozen object.

Invariant: this is the one place in `workers` that reads the environment
(`WorkerSettings.from_env`); every other module takes values as parameters, so the
app's settings object can build one and pass it down.

Environment (all optional): DATABASE_URL, HEATMAP_DATA_DIR, RAY_ADDRESS (join a
cluster; else a local Ray is started), HEATMAP_RAY_CPUS (local Ray's CPUs),
HEATMAP_CAMERA_CPUS (per camera, may be a fraction), HEATMAP_CAMERA_GPUS.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from run_store import Retention
from workers.reconnect import Backoff

__all__ = ["WorkerSettings"]


@dataclass(frozen=True)
class WorkerSettings:
    """Args:
        database_url: the run store's database (None: SQLite in `data_dir`).
        data_dir: the data folder (None: the run store's default).
        ray_address: a Ray cluster to join; None starts a local Ray once per process.
        namespace: the Ray namespace of the camera actors.
        local_num_cpus: CPUs of the local Ray (None: all).
        camera_cpus, camera_gpus: what each camera's actor asks Ray for (fractions ok).
        spread: place camera actors on the least loaded nodes (Ray's SPREAD strategy).
        interval_s: length of a counting interval; workers flush once per interval.
        heat_every_s: period of stored heat snapshots.
        heat_grid: longest side of a stored heat snapshot, in cells.
        open_timeout_s, stall_timeout_s: connect timeout; no frame for this long is a stall.
        backoff: reconnect delays.
        retention: how long counted data is kept (`CameraStore.prune`).
        live_view_every_s: how often the live JPEG is refreshed.
    """

    database_url: str | None = field(default=None, repr=False)
    data_dir: str | None = None
    ray_address: str | None = None
    namespace: str = "heatmap-cameras"
    local_num_cpus: int | None = None
    camera_cpus: float = 0.5
    camera_gpus: float = 0.0
    spread: bool = True
    interval_s: float = 60.0
    heat_every_s: float = 900.0
    heat_grid: int = 96
    open_timeout_s: float = 10.0
    stall_timeout_s: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    retention: Retention = field(default_factory=Retention)
    live_view_every_s: float = 1.0

    def __post_init__(self) -> None:
        if self.camera_cpus < 0 or self.camera_gpus < 0:
            raise ValueError("camera_cpus and camera_gpus cannot be negative")
        if self.interval_s <= 0 or self.heat_every_s < self.interval_s:
            raise ValueError("interval_s must be positive, heat_every_s at least interval_s")
        if self.open_timeout_s <= 0 or self.stall_timeout_s <= 0:
            raise ValueError("timeouts must be positive seconds")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> WorkerSettings:
        """Settings from the environment (see the module docstring), then `overrides`."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or None,
            "data_dir": env.get("HEATMAP_DATA_DIR") or None,
            "ray_address": env.get("RAY_ADDRESS") or None,
        }
        for key, name, kind in (("HEATMAP_RAY_CPUS", "local_num_cpus", int),
                                ("HEATMAP_CAMERA_CPUS", "camera_cpus", float),
                                ("HEATMAP_CAMERA_GPUS", "camera_gpus", float)):
            if env.get(key):
                try:
                    values[name] = kind(env[key])
                except ValueError:
                    raise ValueError(f"${key} must be a number, got {env[key][:20]!r}") from None
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def with_database(self, database_url: str, data_dir: str | Path) -> WorkerSettings:
        return replace(self, database_url=database_url, data_dir=str(data_dir))
