"""The upload tier's public API, called by the web server (the upload page).

    >>> uploads = Uploads(settings)
    >>> upload_id = uploads.submit(UploadRequest(video="data/.../street.mp4", label=...))
    >>> uploads.status(upload_id).status
    'waiting'
    >>> uploads.stop(upload_id); uploads.release(upload_id)

Invariants:
- Each upload is one detached Ray actor `upload-<id>` in `settings.namespace`, asking
  for `upload_cpus` / `upload_gpus` and, on the embedded Ray, one of its
  `upload_slots` (HEATMAP_MAX_ANALYSES): when none is free Ray keeps it pending, and
  `status` says "waiting" until a worker takes it. It belongs to no web-server
  session or process: a reload, another page, a closed tab or (on a cluster) a
  restarted web server never loses it; it saves its own result.
- An actor stays after its analysis ended, so a page can still read the outcome,
  until `release` (the page collected it) or `sweep` (ended `linger_s` ago).
- A lost worker (its process killed, its node gone) is started again by Ray, on
  another node when needed, up to `RESTARTS` times; it analyses the video again from
  the first frame and its status says `restarted` (one that had already ended
  reports its outcome again, see `workers.upload_actor`). While it restarts, its
  status is "waiting". Lost once more after that, it is "failed" with LOST.
- On a cluster, uploads are placed on the least loaded nodes (`settings.spread`).
- Every call is safe from any thread and waits on Ray for at most a few seconds.
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from typing import Any

from workers.cluster import SLOT_RESOURCE, connect
from workers.settings import WorkerSettings
from workers.upload_actor import UploadWorker
from workers.upload_request import UploadRequest, UploadStatus

__all__ = ["LOST", "RESTARTS", "SLOT_RESOURCE", "Uploads"]

RESTARTS = 2
LOST = ("the worker analysing it was lost and could not be started again (its process "
        "or machine stopped, or the cluster was restarted); press Run again")
_PREFIX = "upload-"
_ID = re.compile(r"^[0-9a-f]{16}$")
_CALL_TIMEOUT_S = 5.0


class Uploads:
    """Uploads analysed on the Ray cluster the settings name."""

    def __init__(self, settings: WorkerSettings, *, linger_s: float = 3600.0) -> None:
        self.settings = settings
        self.linger_s = linger_s

    def submit(self, request: UploadRequest) -> str:
        """Start analysing `request` as soon as a worker is free; its id."""
        import ray

        connect(self.settings)
        self.sweep()
        upload_id = uuid.uuid4().hex[:16]
        options: dict[str, Any] = {
            "name": _PREFIX + upload_id, "namespace": self.settings.namespace,
            "lifetime": "detached", "max_restarts": RESTARTS, "max_task_retries": -1,
            "max_concurrency": 4, "num_cpus": self.settings.upload_cpus}
        if self.settings.spread:
            options["scheduling_strategy"] = "SPREAD"
        if self.settings.upload_gpus:
            options["num_gpus"] = self.settings.upload_gpus
        if ray.cluster_resources().get(SLOT_RESOURCE):
            options["resources"] = {SLOT_RESOURCE: 1}
        ray.remote(UploadWorker).options(**options).remote(request,
                                                           self.settings.upload_threads)
        return upload_id

    def status(self, upload_id: str, timeout_s: float = 0.5) -> UploadStatus:
        """Where the upload is: "waiting" while no worker has taken it (or it is still
        starting, or starting again after its worker was lost); "failed" with LOST
        when its worker is gone for good before it ended."""
        from ray.exceptions import GetTimeoutError, RayError

        actor = self._actor(upload_id)
        if actor is None:
            return UploadStatus("failed", error=LOST)
        try:
            return self._get(actor.status.remote(), timeout_s)
        except GetTimeoutError:
            return UploadStatus("waiting")
        except RayError:
            return UploadStatus("failed", error=LOST)

    def request(self, upload_id: str) -> UploadRequest | None:
        """What the upload analyses, or None when it is unknown (ended and released)."""
        from ray.exceptions import RayError

        actor = self._actor(upload_id)
        if actor is None:
            return None
        try:
            return self._get(actor.about.remote(), _CALL_TIMEOUT_S)
        except RayError:
            return None

    def stop(self, upload_id: str) -> UploadStatus:
        """Stop the analysis: a running one keeps (and saves) what it did so far; one
        still waiting for a worker is cancelled. The status after asking."""
        import ray
        from ray.exceptions import GetTimeoutError, RayError

        actor = self._actor(upload_id)
        if actor is None:
            return UploadStatus("failed", error=LOST)
        try:
            return self._get(actor.stop.remote(), 1.0)
        except GetTimeoutError:  # no worker has it yet: nothing was done to keep
            ray.kill(actor, no_restart=True)
            return UploadStatus("cancelled")
        except RayError:
            return UploadStatus("failed", error=LOST)

    def release(self, upload_id: str) -> None:
        """Forget an upload whose outcome was read: its worker goes."""
        import ray

        actor = self._actor(upload_id)
        if actor is not None:
            ray.kill(actor, no_restart=True)

    def wait(self, upload_id: str, timeout_s: float = 120.0) -> UploadStatus:
        """The status once the upload is no longer active, or after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        status = self.status(upload_id)
        while status.active and time.monotonic() < deadline:
            time.sleep(0.1)
            status = self.status(upload_id)
        return status

    def worker(self, upload_id: str) -> Any:
        """The upload's Ray actor handle, or None (for operations and tests)."""
        return self._actor(upload_id)

    def sweep(self) -> list[str]:
        """Release uploads that ended `linger_s` ago or more (their page never came
        back for them); their ids."""
        import ray
        from ray.exceptions import RayError

        connect(self.settings)
        ended = []
        for entry in ray.util.list_named_actors(all_namespaces=True):
            name = entry.get("name", "")
            if entry.get("namespace") != self.settings.namespace or not name.startswith(
                    _PREFIX):
                continue
            upload_id = name[len(_PREFIX):]
            actor = self._actor(upload_id)
            if actor is None:
                continue
            with contextlib.suppress(RayError):
                since = self._get(actor.ended_s.remote(), 0.5)
                if since is not None and since >= self.linger_s:
                    ray.kill(actor, no_restart=True)
                    ended.append(upload_id)
        return ended

    def _actor(self, upload_id: str) -> Any:
        import ray

        if not _ID.match(upload_id or ""):
            return None
        connect(self.settings)
        try:
            return ray.get_actor(_PREFIX + upload_id, namespace=self.settings.namespace)
        except ValueError:
            return None

    @staticmethod
    def _get(ref: Any, timeout_s: float) -> Any:
        import ray

        return ray.get(ref, timeout=timeout_s)

