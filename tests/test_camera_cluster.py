"""Cameras on a two-node Ray cluster on this machine: they spread over both nodes, and
when a node is lost its camera moves to the other one, the lost seconds a gap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.camera_tier import LINE, crossing_scene, settings_for_tests
from tests.ray_cluster import two_node_cluster, without_node
from tests.rtsp_camera import require_gstreamer, require_ray, rtsp_camera, wait_for
from workers import CameraConfig, Cameras
from workers.camera_actor import RESTART_GAP_REASON

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster() -> Iterator[Any]:
    """A head with 2 CPUs and a second node with 1: one camera (1 CPU each) fits on
    the second node, and, once it is lost, beside the other camera on the head."""
    require_ray()
    require_gstreamer()
    with two_node_cluster(head_cpus=2, node_cpus=1) as cluster:
        yield cluster


def node_of(cameras: Cameras, camera_id: str) -> str:
    import ray

    return str(ray.get(cameras.worker(camera_id).node_id.remote(), timeout=30))


def test_cameras_spread_over_nodes_and_move_when_one_is_lost(cluster: Any, tmp_path: Path) -> None:
    video = crossing_scene().write(tmp_path / "crossing.mp4")
    cameras = Cameras(settings_for_tests(tmp_path / "data", ray_address=cluster.address,
                                         camera_cpus=1.0))
    with rtsp_camera(video) as first, rtsp_camera(video) as second:
        ids = [cameras.add_camera(CameraConfig(name=f"cam {i}", url=server.url(), regions=LINE))
               for i, server in enumerate((first, second))]
        for camera_id in ids:
            cameras.start(camera_id)
        for camera_id in ids:
            wait_for(lambda c=camera_id: (s := cameras.state(c)).status == "running"
                     and s.frames > 10, 60, "both cameras to run")
        nodes = {camera_id: node_of(cameras, camera_id) for camera_id in ids}
        head = cluster.head_node.node_id
        assert len(set(nodes.values())) == 2, "one camera per node"
        [moved] = [camera_id for camera_id, node in nodes.items() if node != head]
        without_node(cluster, nodes[moved])
        wait_for(lambda: node_of(cameras, moved) == head and
                 (s := cameras.state(moved)).status == "running" and s.frames > 10, 90,
                 "the lost node's camera to run on the head")
        for camera_id in ids:
            cameras.stop(camera_id)
    gaps = cameras.store.gaps(moved)
    assert [g.reason for g in gaps] == [RESTART_GAP_REASON]
    assert cameras.store.gaps(next(c for c in ids if c != moved)) == []
    cameras.store.close()
