"""A real two-node Ray cluster on this machine (`ray.cluster_utils.Cluster`), this
process connected to it as a driver; shut down afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def two_node_cluster(head_cpus: int = 2, node_cpus: int = 1) -> Iterator[Any]:
    """A head with `head_cpus` CPUs and a second node with `node_cpus`."""
    import ray
    from ray.cluster_utils import Cluster

    if ray.is_initialized():
        ray.shutdown()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": head_cpus})
    cluster.add_node(num_cpus=node_cpus)
    ray.init(address=cluster.address)
    cluster.wait_for_nodes()
    try:
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()


def without_node(cluster: Any, node_id: str) -> None:
    """Remove the node `node_id` from `cluster`, as a lost machine."""
    [node] = [n for n in cluster.list_all_nodes() if n.node_id == node_id]
    cluster.remove_node(node)
