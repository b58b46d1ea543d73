"""Connecting this process to Ray: the cluster at `ray_address`, else a local Ray
started once per process.

Invariants: `connect` is idempotent and thread-safe (a Streamlit script thread may call
it; the first call wins, later ones return at once); it never reads the environment
(settings come in); a missing Ray is a `RayUnavailable` with one line saying what to do.

A local Ray is started from a thread of its own that lives as long as the process: Ray
ties its processes (GCS, raylet) to the death of the *thread* that started them
(Linux's parent-death signal), so starting it from a Streamlit script thread, which
ends after every rerun, would kill the cluster a moment later.
"""

from __future__ import annotations

import threading

from workers.settings import WorkerSettings

__all__ = ["SLOT_RESOURCE", "RayUnavailable", "connect"]

SLOT_RESOURCE = "heatmap_upload_slot"  # one per upload analysed at once (embedded Ray)

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
                _start_local(settings)
        except ConnectionError as error:
            raise RayUnavailable(f"cannot join the Ray cluster at {settings.ray_address}: "
                                 f"{type(error).__name__}; check RAY_ADDRESS") from None


def _start_local(settings: WorkerSettings) -> None:
    """ray.init on a daemon thread that then waits for ever (see the module docstring)."""
    import ray

    started = threading.Event()
    failures: list[BaseException] = []

    def keep() -> None:
        try:
            # "local": a new Ray even when $RAY_ADDRESS is set (settings decide, not Ray).
            # Upload slots are a resource of the embedded Ray (HEATMAP_MAX_ANALYSES).
            slots = {SLOT_RESOURCE: float(settings.upload_slots)} if settings.upload_slots \
                else None
            ray.init(address="local", num_cpus=settings.local_num_cpus, include_dashboard=False,
                     namespace=settings.namespace, log_to_driver=False, resources=slots)
        except BaseException as error:
            failures.append(error)
        finally:
            started.set()
        if not failures:
            threading.Event().wait()

    threading.Thread(target=keep, name="ray-embedded", daemon=True).start()
    started.wait()
    if failures:
        raise failures[0]
