"""WorkerSettings: every value the camera tier needs, in one frozen object.

Invariant: nothing in `workers` reads the environment. The app's settings object builds
a `WorkerSettings` (its data folder and database, plus `WorkerSettings.from_environ`
for the variables below, given the mapping it read once) and passes it down.

| variable | default | what |
|---|---|---|
| RAY_ADDRESS | none: a local Ray, started once per process | a Ray cluster to join |
| HEATMAP_RAY_CPUS | all | CPUs of the local Ray |
| HEATMAP_CAMERA_CPUS | 0.5 | CPUs each camera's worker asks for (a fraction is fine) |
| HEATMAP_CAMERA_GPUS | 0 | GPU share each camera's worker asks for (e.g. 0.25) |
| HEATMAP_UPLOAD_CPUS | 1 | CPUs each upload's worker asks for |
| HEATMAP_UPLOAD_GPUS | 0 | GPU share each upload's worker asks for |
| HEATMAP_UPLOAD_THREADS | all cores | threads an upload's analysis uses on its machine |

`upload_slots` (the app's HEATMAP_MAX_ANALYSES) is given by the app's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from run_store import Retention
from workers.reconnect import Backoff

__all__ = ["WorkerSettings"]


@dataclass(frozen=True)
class WorkerSettings:
    """Args:
        data_dir: the data folder (the SQLite database is there by default).
        database_url: the run store's database (None: SQLite in `data_dir`).
        ray_address: a Ray cluster to join; None starts a local Ray once per process.
        namespace: the Ray namespace of the camera actors.
        local_num_cpus: CPUs of the local Ray (None: all).
        camera_cpus, camera_gpus: what each camera's actor asks Ray for (fractions ok).
        upload_cpus, upload_gpus: what each upload's actor asks Ray for.
        upload_threads: threads an upload's analysis uses (None: every core of the
            machine it runs on; Ray would hold it to `upload_cpus` threads, which on
            a small machine halves a lone upload's speed; several at once share).
        upload_slots: uploads analysed at once on the embedded Ray (a resource it is
            started with; None: only CPUs limit them). A cluster's own resources
            decide there.
        spread: place camera and upload actors on the least loaded nodes (Ray's SPREAD strategy).
        interval_s: length of a counting interval; workers flush once per interval.
        heat_every_s: period of stored heat snapshots.
        heat_grid: longest side of a stored heat snapshot, in cells.
        open_timeout_s, stall_timeout_s: connect timeout; no frame for this long is a stall.
        backoff: reconnect delays.
        retention: how long counted data is kept (`CameraStore.prune`).
        live_view_every_s: how often the live JPEG is refreshed.
        cache_dir: where YOLO weights exported for ONNX / OpenVINO are kept (the app's
            HEATMAP_CACHE_DIR; None: heatmap_core's default).
    """

    data_dir: str
    database_url: str | None = field(default=None, repr=False)
    ray_address: str | None = None
    namespace: str = "heatmap-cameras"
    local_num_cpus: int | None = None
    camera_cpus: float = 0.5
    camera_gpus: float = 0.0
    upload_cpus: float = 1.0
    upload_gpus: float = 0.0
    upload_threads: int | None = None
    upload_slots: int | None = None
    spread: bool = True
    interval_s: float = 60.0
    heat_every_s: float = 900.0
    heat_grid: int = 96
    open_timeout_s: float = 10.0
    stall_timeout_s: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    retention: Retention = field(default_factory=Retention)
    live_view_every_s: float = 1.0
    cache_dir: str | None = None

    def __post_init__(self) -> None:
        if min(self.camera_cpus, self.camera_gpus, self.upload_cpus, self.upload_gpus) < 0:
            raise ValueError("the CPUs and GPUs asked for cannot be negative")
        if self.upload_threads is not None and self.upload_threads < 1:
            raise ValueError("upload_threads must be 1 or more")
        if self.upload_slots is not None and self.upload_slots < 1:
            raise ValueError("upload_slots must be 1 or more")
        if self.interval_s <= 0 or self.heat_every_s < self.interval_s:
            raise ValueError("interval_s must be positive, heat_every_s at least interval_s")
        if self.open_timeout_s <= 0 or self.stall_timeout_s <= 0:
            raise ValueError("timeouts must be positive seconds")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], *, data_dir: str | Path,
                     database_url: str | None = None, **overrides: object) -> WorkerSettings:
        """Settings for `data_dir` and `database_url` (the app's), with the variables in
        the module docstring read from `environ`, then `overrides`. ValueError naming
        the variable when one is not a number (or a negative one)."""
        values: dict[str, object] = {
            "data_dir": str(data_dir), "database_url": database_url,
            "ray_address": environ.get("RAY_ADDRESS", "").strip() or None}
        for key, name, kind in (("HEATMAP_RAY_CPUS", "local_num_cpus", int),
                                ("HEATMAP_CAMERA_CPUS", "camera_cpus", float),
                                ("HEATMAP_CAMERA_GPUS", "camera_gpus", float),
                                ("HEATMAP_UPLOAD_CPUS", "upload_cpus", float),
                                ("HEATMAP_UPLOAD_GPUS", "upload_gpus", float),
                                ("HEATMAP_UPLOAD_THREADS", "upload_threads", int)):
            text = environ.get(key, "").strip()
            if text:
                try:
                    value = kind(text)
                except ValueError:
                    value = -1
                if not value >= 0:
                    raise ValueError(f"{key} must be a number of 0 or more, got {text[:20]!r}. "
                                     "Fix it or unset it.")
                values[name] = value
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
