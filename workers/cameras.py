"""The camera tier's public API, called by the web server (the Cameras page).

    >>> cameras = Cameras(WorkerSettings(data_dir="data", database_url=None))
    >>> camera_id = cameras.add_camera(CameraConfig(name="Door", url="rtsp://...",
    ...                                             regions=(Region(((0, 200), (640, 200))),)))
    >>> cameras.start(camera_id); cameras.states()[0].describe()
    'connecting'

Invariants:
- The store is the truth about what should run (`desired`); Ray actors are how it
  runs. Each running camera is one detached actor `camera-<id>` in
  `settings.namespace`, restarted by Ray when its process or node dies, so cameras
  run with no browser open and outlive the web server when Ray is a cluster of its
  own (`RAY_ADDRESS`). With the embedded Ray, `resume_running()` at app start brings
  them back, their downtime recorded as a gap.
- Nothing returned or raised here shows a camera URL's credentials: states carry the
  redacted address; errors are one line.
- Every call is safe from any thread; calls that wait on Ray have timeouts.
- A camera meant to run whose worker is gone, waiting or failed is down: reading its
  state also fires its "camera down" rules (`camera_alerts.notice_down`), stored once.
- When Ray cannot be reached (a wrong RAY_ADDRESS, a cluster down), states and live
  views still answer from the store: a camera meant to run is "connecting" with the
  reason, and no "camera down" rule fires (it may well run; this server cannot see
  it). Start, stop and remove raise `RayUnavailable` (one line).
"""

from __future__ import annotations

import builtins
import contextlib
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from run_store import CameraNotFound, CameraStore, check_camera_id
from workers.camera_actor import CameraWorker
from workers.camera_alerts import notice_down
from workers.camera_config import CameraConfig
from workers.camera_state import CameraState
from workers.cluster import RayUnavailable, connect
from workers.settings import WorkerSettings
from workers.stream_source import StreamError, open_stream, redact_url

__all__ = ["Cameras", "grab_frame"]

NOT_RUNNING = "meant to run, but no worker runs it: press Start again"
WAITING = "waiting for a worker (the cluster may be busy, or it is restarting)"
_CALL_TIMEOUT_S = 5.0


def grab_frame(url: str, *, rtsp_transport: str = "tcp",
               timeout_s: float = 10.0) -> npt.NDArray[np.uint8]:
    """One BGR frame from `url` (opened briefly here): for drawing regions before a
    camera is added. StreamError (one line, no password) when it cannot be read."""
    source = open_stream(url, timeout_s=timeout_s, stall_timeout_s=timeout_s,
                         rtsp_transport="udp" if rtsp_transport == "udp" else "tcp")
    try:
        for frame in source.frames():
            return frame
        raise StreamError("ended", f"{redact_url(url)} gave no frame")  # pragma: no cover
    finally:
        source.close()


class Cameras:
    """Cameras of one database, run on the Ray cluster the settings name."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.store = CameraStore(settings.database_url, settings.data_dir)
        # Workers may run in other processes and on other nodes: they get the database
        # this process resolved, not their own defaults.
        self.settings = replace(settings, data_dir=str(self.store.data_dir),
                                database_url=self.store.url.render_as_string(hide_password=False))

    # -- configuration -------------------------------------------------------------

    def add_camera(self, config: CameraConfig, owner: str | None = None) -> str:
        """Store a new camera (stopped) owned by `owner` (None: no sign-in); its id."""
        return self.store.add(config.name, config.url, config.to_settings(), owner=owner).id

    def config(self, camera_id: str) -> CameraConfig:
        """The camera's config. Its `url` holds any password: never show it (show
        `state(camera_id).url`)."""
        return CameraConfig.from_record(self._record(camera_id))

    def update_camera(self, camera_id: str, config: CameraConfig) -> None:
        """Replace the camera's config; a running camera restarts with it."""
        record = self.store.update(camera_id, name=config.name, url=config.url,
                                   settings=config.to_settings())
        if record.desired == "running":
            self._kill(camera_id)
            self._launch(camera_id)

    # -- running -------------------------------------------------------------------

    def start(self, camera_id: str) -> None:
        """Run the camera (again); a no-op for one that is running."""
        record = self._record(camera_id)
        actor = self._actor(camera_id)
        if record.desired == "running" and actor is not None and self._alive(actor):
            return
        self.store.set_desired(camera_id, "running", new_session=True)
        if actor is not None:
            self._kill(camera_id)
        self._launch(camera_id)

    def stop(self, camera_id: str) -> None:
        """Stop the camera: its worker flushes what it counted, then goes."""
        self.store.set_desired(camera_id, "stopped")
        self._kill(camera_id, graceful=True)

    def remove(self, camera_id: str) -> None:
        """Stop the camera and delete it with everything it counted."""
        self.stop(camera_id)
        self.store.remove(camera_id)

    def resume_running(self) -> list[str]:
        """Start workers for cameras meant to run whose workers are gone (call once
        when the app starts); the ids started."""
        started = []
        for record in self.store.list():
            if record.desired == "running" and self._actor(record.id) is None:
                self._launch(record.id)
                started.append(record.id)
        return started

    # -- looking -------------------------------------------------------------------

    def state(self, camera_id: str) -> CameraState:
        return self._states([self._record(camera_id)])[0]

    def states(self, owner: str | None = None, *, shared_with: str | None = None
               ) -> builtins.list[CameraState]:
        """Every camera's state, oldest camera first; with `owner` and/or `shared_with`,
        only the cameras `owner` added or that are shared with `shared_with` (a live
        link they opened: a revoked or expired one drops the camera at once). Each
        state names its camera's owner, for the caller to decide who may change it."""
        return self._states(self.store.list(owner, shared_with=shared_with))

    def live_view(self, camera_id: str) -> bytes | None:
        """The running camera's newest annotated frame (JPEG, about 1/s); None when
        it is not running."""
        return self._ask(camera_id, "live_view")

    def snapshot(self, camera_id: str) -> npt.NDArray[np.uint8]:
        """A BGR frame from the camera: the running worker's newest, else one read from
        the stream now. StreamError (one line) when the stream cannot be read."""
        frame = self._ask(camera_id, "latest_frame")
        if frame is not None:
            return np.array(frame)
        config = self.config(camera_id)
        return grab_frame(config.url, rtsp_transport=config.rtsp_transport,
                          timeout_s=self.settings.open_timeout_s)

    def worker(self, camera_id: str) -> Any:
        """The camera's Ray actor handle, or None (for operations and tests)."""
        check_camera_id(camera_id)
        return self._actor(camera_id)

    # -- internals -----------------------------------------------------------------

    def _record(self, camera_id: str) -> Any:
        record = self.store.get(camera_id)
        if record is None:
            raise CameraNotFound(camera_id)
        return record

    def _states(self, records: builtins.list[Any]) -> builtins.list[CameraState]:
        import ray
        from ray.exceptions import GetTimeoutError, RayError

        pending = {}
        unreachable = None  # why the worker tier cannot be reached, if it cannot
        for record in records:
            try:
                actor = self._actor(record.id) if record.desired == "running" else None
            except RayUnavailable as error:
                unreachable, actor = str(error), None
            if actor is not None:
                pending[record.id] = actor.state.remote()
        states = []
        deadline = time.monotonic() + _CALL_TIMEOUT_S  # one wait for all, not one each
        for record in records:
            base = CameraState(record.id, record.name, redact_url(record.url), "stopped",
                               record.counted_until or record.created, owner=record.owner)
            if record.desired != "running":
                states.append(base)
                continue
            if unreachable is not None:  # it may well run: this server cannot see it
                states.append(replace(base, status="connecting", reason=unreachable))
                continue
            if record.id not in pending:
                states.append(replace(base, reason=NOT_RUNNING))
                continue
            try:
                state = ray.get(pending[record.id],
                                timeout=max(0.0, deadline - time.monotonic()))
                states.append(replace(state, name=record.name, owner=record.owner))
            except (GetTimeoutError, RayError):
                states.append(replace(base, status="connecting", reason=WAITING))
        for record, state in zip(records, states, strict=True):
            if record.desired == "running" and (state.status == "failed" or state.reason in (
                    NOT_RUNNING, WAITING)):
                with contextlib.suppress(Exception):  # an alert never breaks a page
                    notice_down(self.store, record, record.counted_until or state.since,
                                datetime.now(timezone.utc))
        return states

    def _ask(self, camera_id: str, method: str) -> Any:
        import ray
        from ray.exceptions import GetTimeoutError, RayError

        self._record(camera_id)
        try:
            actor = self._actor(camera_id)
        except RayUnavailable:  # the state says why
            return None
        if actor is None:
            return None
        try:
            return ray.get(getattr(actor, method).remote(), timeout=_CALL_TIMEOUT_S)
        except (GetTimeoutError, RayError):
            return None

    def _actor(self, camera_id: str) -> Any:
        import ray

        connect(self.settings)
        try:
            return ray.get_actor(_actor_name(camera_id), namespace=self.settings.namespace)
        except ValueError:
            return None

    def _alive(self, actor: Any) -> bool:
        import ray
        from ray.exceptions import GetTimeoutError, RayError

        try:
            state = ray.get(actor.state.remote(), timeout=_CALL_TIMEOUT_S)
        except GetTimeoutError:
            return True  # busy or restarting: Ray brings it back
        except RayError:
            return False
        return bool(state.status not in ("stopped", "failed"))

    def _launch(self, camera_id: str) -> None:
        import ray

        connect(self.settings)
        options: dict[str, Any] = {
            "name": _actor_name(camera_id), "namespace": self.settings.namespace,
            "lifetime": "detached", "max_restarts": -1, "max_task_retries": -1,
            "max_concurrency": 4, "num_cpus": self.settings.camera_cpus, "get_if_exists": True}
        if self.settings.spread:
            options["scheduling_strategy"] = "SPREAD"
        if self.settings.camera_gpus:
            options["num_gpus"] = self.settings.camera_gpus
        ray.remote(CameraWorker).options(**options).remote(camera_id, self.settings)

    def _kill(self, camera_id: str, graceful: bool = False) -> None:
        import ray
        from ray.exceptions import GetTimeoutError, RayError

        actor = self._actor(camera_id)
        if actor is None:
            return
        if graceful:  # if it cannot flush, its data since the last flush is lost
            with contextlib.suppress(GetTimeoutError, RayError):
                ray.get(actor.stop.remote(), timeout=30)
        ray.kill(actor, no_restart=True)
        _wait_gone(camera_id, self.settings.namespace)


def _actor_name(camera_id: str) -> str:
    return f"camera-{check_camera_id(camera_id)}"


def _wait_gone(camera_id: str, namespace: str, timeout_s: float = 10.0) -> None:
    """ray.kill is asynchronous; a new actor of the same name needs the old one gone."""
    import ray

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            ray.get_actor(_actor_name(camera_id), namespace=namespace)
        except ValueError:
            return
        time.sleep(0.1)
