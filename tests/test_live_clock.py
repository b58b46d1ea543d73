"""StreamClock: camera frame times become one continuous session time."""

from __future__ import annotations

import pytest

from dashboard.live.clock import StreamClock

RTP_START = 48_213.377  # a WebRTC connection's timestamps start anywhere


def times(clock: StreamClock, frame_times: list[float | None]) -> list[float]:
    return [round(clock.time_of(t), 6) for t in frame_times]


def test_the_first_frame_is_time_zero_and_later_frames_keep_their_spacing() -> None:
    assert times(StreamClock(), [RTP_START, RTP_START + 0.1, RTP_START + 0.2]) == [
        0.0, 0.1, 0.2]


def test_frames_dropped_while_the_computer_was_busy_leave_their_time_in() -> None:
    # The worker analysed frames 0, 1, 5 and 9 of a 10 fps camera: heat is weighted
    # by the real 0.4 s between them, not by one frame each.
    assert times(StreamClock(), [RTP_START + i / 10 for i in (0, 1, 5, 9)]) == [
        0.0, 0.1, 0.5, 0.9]


@pytest.mark.parametrize("next_frame_time", [
    pytest.param(3.0, id="a new connection's timestamps start lower"),
    pytest.param(RTP_START + 1 + 600, id="the camera froze for ten minutes"),
])
def test_a_restart_or_long_gap_continues_from_the_last_time_without_counting_the_gap(
        next_frame_time: float) -> None:
    clock = StreamClock(max_gap_s=10)
    times(clock, [RTP_START, RTP_START + 1.0])
    assert times(clock, [next_frame_time, next_frame_time + 0.5]) == [1.0, 1.5]


def test_frames_without_a_time_use_the_wall_clock() -> None:
    wall = iter([100.0, 100.25, 101.0])
    clock = StreamClock(monotonic=lambda: next(wall))
    assert times(clock, [None, None, None]) == [0.0, 0.25, 1.0]


def test_reset_starts_the_session_time_again_at_zero() -> None:
    clock = StreamClock()
    times(clock, [RTP_START, RTP_START + 4])
    clock.reset()
    assert clock.now == 0.0
    assert times(clock, [RTP_START + 4.1, RTP_START + 4.2]) == [0.0, 0.1]


def test_the_gap_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_gap_s"):
        StreamClock(max_gap_s=0)
