"""Connecting this process to Ray: the cluster at `ray_address`, else a local Ray
started once per process.

Invariants: `connect` is idempotent and thread-safe (a Streamlit script thread may call
it; the first call wins, later ones return at once); it never reads the environment
(settings come in); a missing Ray, or a cluster that cannot be joined, is a
`RayUnavailable` with one line saying what to do: nothing answering at the address is
found at once by a TCP probe (Ray would retry for ever), a refused token after Ray's
20 s, and a failed join is answered from memory for `RETRY_AFTER_S`.
Joining a cluster, the process sends the Ray token this machine has (see
`_use_the_clusters_token`).

A local Ray is started from a thread of its own that lives as long as the process: Ray
ties its processes (GCS, raylet) to the death of the *thread* that started them
(Linux's parent-death signal), so starting it from a Streamlit script thread, which
ends after every rerun, would kill the cluster a moment later.
"""

from __future__ import annotations

import socket
import threading
import time

from workers.settings import WorkerSettings

__all__ = ["PROBE_TIMEOUT_S", "RETRY_AFTER_S", "SLOT_RESOURCE", "RayUnavailable", "connect"]

SLOT_RESOURCE = "heatmap_upload_slot"  # one per upload analysed at once (embedded Ray)

PROBE_TIMEOUT_S = 3.0  # to see whether anything answers at RAY_ADDRESS
RETRY_AFTER_S = 30.0  # a failed join is not tried again sooner

_lock = threading.Lock()
_failures: dict[str, tuple[float, str]] = {}  # address: (when, why), guarded by _lock


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
        if settings.ray_address:
            _join(settings.ray_address, settings.namespace)
        else:
            _start_local(settings)


def _join(address: str, namespace: str) -> None:
    """ray.init(address=...), or RayUnavailable at once when nothing answers there (Ray
    itself would retry for ever) or when it failed less than RETRY_AFTER_S ago (pages
    that refresh by themselves do not each wait for it again)."""
    import ray

    failed = _failures.get(address)
    if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
        raise RayUnavailable(failed[1])
    try:
        _answers(address)
        _use_the_clusters_token()
        ray.init(address=address, namespace=namespace, log_to_driver=False)
    except RayUnavailable as error:
        _failures[address] = (time.monotonic(), str(error))
        raise
    except ConnectionError:
        message = (f"cannot join the Ray cluster at {address}: it did not answer, or "
                   "refused this server's token; check RAY_ADDRESS, and give this server "
                   "the cluster's token (the file ~/.ray/auth_token of the head node, or "
                   "RAY_AUTH_TOKEN)")
        _failures[address] = (time.monotonic(), message)
        raise RayUnavailable(message) from None
    _failures.pop(address, None)


def _answers(address: str) -> None:
    """RayUnavailable unless something accepts a connection at the address's host and
    port ("host:port" or "ray://host:port"; other forms, such as "auto", are Ray's)."""
    host, colon, port = address.split("://", 1)[-1].rpartition(":")
    if not colon or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), PROBE_TIMEOUT_S).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RayUnavailable(f"cannot reach the Ray cluster at {address} ({reason.lower()}): "
                             "check RAY_ADDRESS, and that the cluster runs") from None


def _use_the_clusters_token() -> None:
    """Send the Ray token this machine has (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or
    ~/.ray/auth_token), unless RAY_AUTH_MODE says otherwise. `ray start --head` (Ray
    2.60) protects a cluster with a token, but a driver that joins one sends its token
    only in token mode, which Ray turns on by itself for a local Ray alone: without
    this, the app could not join the cluster the README has the user start. Ray's own
    step for a local Ray (it sets RAY_AUTH_MODE for this process); a cluster without
    token auth accepts a driver that sends one."""
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # another Ray: it decides alone
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


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
