"""Uploads on a two-node Ray cluster on this machine: they spread over both nodes, each
saves its run into the shared data folder and PostgreSQL (as the README sets a cluster
up), and an upload whose node is lost starts over on the other node and counts exactly
what the uninterrupted one counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.models import ModelSpec
from dashboard.analysis.settings import AnalysisSettings
from dashboard.runs.saving import SaveTo
from heatmap_core import Mover, Scene, parse_regions
from run_store import RunStore
from tests.ray_cluster import two_node_cluster, without_node
from tests.rtsp_camera import require_ray, wait_for
from tests.upload_tier import request
from workers import Uploads, WorkerSettings

pytestmark = pytest.mark.slow

LINE = [(0, 60), (160, 60)]
MOTION = ModelSpec("motion", "Motion detector", "chosen", ("object",), "motion")


def node_of(uploads: Uploads, upload_id: str) -> str:
    import ray

    return str(ray.get(uploads.worker(upload_id).node_id.remote(), timeout=60))


def running(uploads: Uploads, upload_id: str) -> bool:
    status = uploads.status(upload_id)
    return status.status == "running" and status.progress is not None and \
        status.progress.frames_done >= 1


def test_uploads_spread_over_nodes_and_one_on_a_lost_node_starts_over_on_the_head(
        postgres_url: str, tmp_path: Path) -> None:
    require_ray()
    frames = 1500
    video = Scene(160, 120, 10.0, frames, movers=tuple(
        Mover(((80, -30), (80, 150)), start_frame=start, frames_per_leg=40)
        for start in range(0, frames - 40, 80))).write(tmp_path / "long.mp4")
    data = tmp_path / "data"  # "shared storage": every node of this cluster sees it
    store = RunStore(postgres_url, data)  # as a cluster is set up (README)
    save = SaveTo.into(store, AnalysisSettings(MOTION, None), parse_regions(LINE),
                       video.name)
    with two_node_cluster(head_cpus=2, node_cpus=1) as cluster:
        uploads = Uploads(WorkerSettings(data_dir=str(data), database_url=postgres_url,
                                         ray_address=cluster.address,
                                         upload_cpus=1.0, namespace="upload-cluster"))
        ids = [uploads.submit(request(video, data / "uploads" / str(i), LINE, save=save))
               for i in range(2)]
        for upload_id in ids:
            wait_for(lambda u=upload_id: running(uploads, u), 90, "both uploads to run")
        nodes = {upload_id: node_of(uploads, upload_id) for upload_id in ids}
        head = cluster.head_node.node_id
        assert len(set(nodes.values())) == 2, "one upload per node"
        [moved] = [upload_id for upload_id, node in nodes.items() if node != head]
        [stayed] = [upload_id for upload_id in ids if upload_id != moved]
        assert uploads.status(moved).active, "the video is long enough to be cut"
        without_node(cluster, nodes[moved])
        ended = {upload_id: uploads.wait(upload_id, 180) for upload_id in ids}
        assert node_of(uploads, moved) == head
        for upload_id in ids:
            uploads.release(upload_id)
    assert ended[moved].status == ended[stayed].status == "finished"
    assert (ended[moved].restarted, ended[stayed].restarted) == (True, False)
    for status in ended.values():
        assert status.summary.frames == frames and not status.summary.partial
    assert (ended[moved].in_count, ended[moved].out_count) == \
        (ended[stayed].in_count, ended[stayed].out_count)
    assert ended[moved].in_count >= 15  # one crossing down every 80 frames
    saved = {run.id: run for run in store.list()}
    assert sorted(saved) == sorted(status.saved.id for status in ended.values())
    assert {run.in_count for run in saved.values()} == {ended[moved].in_count}
    store.close()
