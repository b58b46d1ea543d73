"""Shared pieces of the upload tier's tests: a real local Ray with one upload slot (so
a second upload has to wait), and requests as the upload page makes them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from heatmap_core import parse_regions
from workers import UploadRequest, Uploads, WorkerSettings, connect


def local_uploads(data_dir: Path, **overrides: Any) -> Iterator[Uploads]:
    """A fresh local Ray (as the app embeds it: started from a thread that is not the
    main one) with one upload slot and two CPUs; shut down afterwards."""
    import ray

    if ray.is_initialized():
        ray.shutdown()
    values: dict[str, Any] = {"data_dir": str(data_dir), "local_num_cpus": 2,
                              "upload_slots": 1, "upload_cpus": 0.5,
                              "namespace": "heatmap-upload-tests"}
    values.update(overrides)
    settings = WorkerSettings(**values)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            connect(settings)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=start)
    thread.start()
    thread.join(120)
    assert not errors and ray.is_initialized()
    yield Uploads(settings, linger_s=3600.0)
    ray.shutdown()


def request(video: Path, output_dir: Path, region: Any = None, **fields: Any) -> UploadRequest:
    """What the page asks for: the motion detector on `video`, `region` counted."""
    return UploadRequest(video=str(video), label=video.name, output_dir=str(output_dir),
                         regions=parse_regions(region), options={"verbose": False},
                         **fields)
