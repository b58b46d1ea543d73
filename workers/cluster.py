"""Connecting this process to Ray: the cluster at `ray_address`, else a local Ray
started once per process.

Invariants: `connect` is idempotent and thread-safe (a Streamlit script thread may call
it; the first call wins, later ones return at once); it never reads the environment
(settings come in); a missing Ray is a `RayUnavailable` with one line saying what to do.
"""

from __future__ import annotations

import threading

from workers.settings import WorkerSettings

__all__ = ["RayUnavailable", "connect"]

_lock = threading.Lock()


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster at the given address cannot be joined."""


def connect(settings: WorkerSettings) -> None:
    """Join `settings.ray_address`, or start a local Ray (no dashboard) if none runs
    in this process yet."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("Ray is not installed: pip install ray==2.60.0 "
                             "(see requirements.txt)") from None
    with _lock:
        if ray.is_initialized():
            return
        try:
            if settings.ray_address:
                ray.init(address=settings.ray_address, namespace=settings.namespace,
                         log_to_driver=False)
            else:
                ray.init(num_cpus=settings.local_num_cpus, include_dashboard=False,
                         namespace=settings.namespace, log_to_driver=False)
        except ConnectionError as error:
            raise RayUnavailable(f"cannot join the Ray cluster at {settings.ray_address}: "
                                 f"{type(error).__name__}; check RAY_ADDRESS") from None
