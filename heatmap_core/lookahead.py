"""Work on items known in advance, ahead of the consumer, in a few threads, in order.

A video file is known ahead: while frame n is tracked, counted and drawn, frames n+1,
n+2... can already be in the detector. `ordered_map` runs `work` over `items` in
`workers` threads and yields the results in the items' order.

Invariants: results come out in input order, each exactly once; at most `depth` items
are taken from `items` before their results are consumed (memory stays bounded on an
endless source); each thread makes its own state with `make_state` once and only that
thread uses it (so a detector that is not thread-safe is never shared); an error in
`work` is raised in the consumer at that item's turn; closing the generator early
stops the threads and waits for them.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["ordered_map"]

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")


def ordered_map(make_state: Callable[[], S], work: Callable[[S, T], R], items: Iterable[T],
                workers: int, depth: int | None = None
                ) -> Generator[tuple[T, R], None, None]:
    """Yield `(item, work(state, item))` for each item, in order, computed ahead in
    `workers` threads, each with its own `make_state()`. `depth` (default 2 x workers)
    bounds how many items are in flight."""
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}")
    depth = max(depth or 2 * workers, workers)
    local = threading.local()

    def run(item: T) -> R:
        state = getattr(local, "state", None)
        if state is None:
            state = local.state = make_state()
        return work(state, item)

    pending: deque[tuple[T, Future[R]]] = deque()
    source = iter(items)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ahead")
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < depth:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending.append((item, pool.submit(run, item)))
            if not pending:
                return
            item, future = pending.popleft()
            yield item, future.result()
    finally:
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True)
