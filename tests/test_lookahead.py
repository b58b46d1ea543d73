"""`ordered_map`: work ahead in threads, results in order, bounded, closable."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from heatmap_core.lookahead import ordered_map


def test_results_come_in_input_order_whatever_order_they_finish_in():
    def work(_state: object, item: int) -> int:
        time.sleep(0.02 if item % 3 == 0 else 0.0)  # some finish later than the next
        return item * item

    out = list(ordered_map(object, work, range(30), workers=3))
    assert out == [(i, i * i) for i in range(30)]


def test_each_thread_makes_its_own_state_once_and_only_it_uses_it():
    made: list[tuple[int, int]] = []

    def make_state() -> tuple[int, int]:
        state = (threading.get_ident(), len(made))
        made.append(state)
        return state

    def work(state: tuple[int, int], item: int) -> tuple[int, int]:
        return state[0], threading.get_ident()

    used = [used for _, used in ordered_map(make_state, work, range(40), workers=2)]
    assert all(owner == thread for owner, thread in used)
    assert 1 <= len(made) <= 2
    assert len({ident for ident, _ in made}) == len(made)


def test_no_more_than_depth_items_are_taken_ahead_of_the_consumer():
    taken = 0

    def source() -> Iterator[int]:
        nonlocal taken
        for i in range(1000):
            taken += 1
            yield i

    results = ordered_map(object, lambda _s, i: i, source(), workers=2, depth=4)
    first = next(results)
    assert first == (0, 0)
    assert taken <= 4 + 1  # the window, refilled once after the first result
    results.close()


def test_an_error_is_raised_at_its_items_turn_after_the_results_before_it():
    def work(_state: object, item: int) -> int:
        if item == 5:
            raise ValueError("frame 5 is broken")
        return item

    results = ordered_map(object, work, range(10), workers=2)
    got = []
    with pytest.raises(ValueError, match="frame 5 is broken"):
        for item, _ in results:
            got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_closing_early_stops_and_joins_the_threads():
    results = ordered_map(object, lambda _s, i: i, iter(range(10**9)), workers=2)
    next(results)
    results.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("ahead")]


def test_workers_must_be_at_least_one():
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        next(ordered_map(object, lambda _s, i: i, range(3), workers=0))
