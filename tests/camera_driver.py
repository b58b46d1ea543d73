"""A stand-in for the web server process, for the restart test: each run is a new
driver process that starts its own embedded Ray, as the app does (or joins the cluster at
$RAY_ADDRESS).

    python -m tests.camera_driver start DATA_DIR URL   -> adds and starts a camera, waits
                                                          until it runs, prints its id, exits
    python -m tests.camera_driver resume DATA_DIR      -> resume_running(), waits until the
                                                          camera counts again, stops it,
                                                          prints what happened as JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from tests.camera_tier import LINE, settings_for_tests
from workers import CameraConfig, Cameras


def wait_running(cameras: Cameras, camera_id: str, frames: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = cameras.state(camera_id)
        if state.status == "running" and state.frames >= frames:
            return
        time.sleep(0.25)
    raise SystemExit(f"camera not running: {cameras.state(camera_id).describe()}")


def main(argv: list[str]) -> None:
    command, data_dir = argv[0], Path(argv[1])
    cameras = Cameras(settings_for_tests(data_dir, local_num_cpus=1,
                                         ray_address=os.environ.get("RAY_ADDRESS") or None))
    if command == "start":
        camera_id = cameras.add_camera(CameraConfig(name="Resumed", url=argv[2], regions=LINE))
        cameras.start(camera_id)
        wait_running(cameras, camera_id, 15)
        print(json.dumps({"id": camera_id}), flush=True)
        return  # the process ends, and its embedded Ray with it
    resumed = cameras.resume_running()
    before = [s.describe() for s in cameras.states()]
    for camera_id in resumed:
        wait_running(cameras, camera_id, 15)
    states = [s.status for s in cameras.states()]
    for camera_id in resumed:
        cameras.stop(camera_id)
    again = cameras.resume_running()
    print(json.dumps({"resumed": resumed, "states": states, "before": before,
                      "after_stop": again}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
